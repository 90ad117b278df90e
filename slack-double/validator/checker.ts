/**
 * Collects Slack-style `[ERROR] … [json-pointer:…]` messages, and checks the pieces every block and
 * element is made of: strings with a length limit, text objects, confirm dialogs and options.
 */
import { isObject } from '../values.js';

export class BlockChecker {
  readonly errors: string[] = [];

  err(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLen(value: unknown, max: number, pointer: string): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') {
      this.err(pointer, 'must be a string');
      return;
    }
    if (value.length > max) this.err(pointer, `must be less than ${max + 1} characters`);
  }

  text(value: unknown, pointer: string, opts: { max: number; plainOnly?: boolean; required?: boolean }): void {
    if (value === undefined || value === null) {
      if (opts.required) this.err(pointer, 'missing required field');
      return;
    }
    if (!isObject(value)) {
      this.err(pointer, 'must be a text object');
      return;
    }
    if (opts.plainOnly ? value.type !== 'plain_text' : value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      this.err(`${pointer}/type`, opts.plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn');
    }
    if (typeof value.text !== 'string') {
      this.err(`${pointer}/text`, 'missing required field: text');
      return;
    }
    if (value.text.length === 0) this.err(`${pointer}/text`, 'must be more than 0 characters');
    this.maxLen(value.text, opts.max, `${pointer}/text`);
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.err(pointer, 'must be an object');
      return;
    }
    this.text(value.title, `${pointer}/title`, { max: 100, plainOnly: true });
    this.text(value.text, `${pointer}/text`, { max: 300, required: true });
    this.text(value.confirm, `${pointer}/confirm`, { max: 30, plainOnly: true });
    this.text(value.deny, `${pointer}/deny`, { max: 30, plainOnly: true });
  }

  options(value: unknown, pointer: string, max: number, plainOnly: boolean, min = 0): void {
    if (!Array.isArray(value)) {
      this.err(pointer, 'must be an array');
      return;
    }
    if (value.length < min) this.err(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.err(pointer, `no more than ${max} items allowed`);
    value.forEach((option, i) => this.option(option, `${pointer}/${i}`, plainOnly));
  }

  option(value: unknown, pointer: string, plainOnly: boolean): void {
    if (!isObject(value)) {
      this.err(pointer, 'must be an object');
      return;
    }
    this.text(value.text, `${pointer}/text`, { max: 75, plainOnly, required: true });
    if (typeof value.value !== 'string') this.err(`${pointer}/value`, 'missing required field: value');
    else this.maxLen(value.value, 150, `${pointer}/value`);
    this.text(value.description, `${pointer}/description`, { max: 75, plainOnly });
    this.maxLen(value.url, 3000, `${pointer}/url`);
  }
}
