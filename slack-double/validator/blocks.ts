/** Checks one block of each type Slack knows; `blockIds` spans the whole surface, where block_ids must be unique. */
import { isObject } from '../values.js';
import type { BlockChecker } from './checker.js';
import { checkElement } from './elements.js';
import { INPUT_ONLY, INTERACTIVE, KNOWN_BLOCKS } from './limits.js';

export function checkBlock(checker: BlockChecker, block: unknown, pointer: string, blockIds: Set<string>): void {
  if (!isObject(block)) {
    checker.err(pointer, 'must be an object');
    return;
  }
  const type = block.type;
  if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) {
    checker.err(`${pointer}/type`, `unknown block type: ${String(type)}`);
    return;
  }
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string') checker.err(`${pointer}/block_id`, 'must be a string');
    else {
      checker.maxLen(block.block_id, 255, `${pointer}/block_id`);
      if (blockIds.has(block.block_id)) checker.err(`${pointer}/block_id`, `duplicate block_id: ${block.block_id}`);
      blockIds.add(block.block_id);
    }
  }

  switch (type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        checker.err(pointer, 'must provide either text or fields');
      }
      checker.text(block.text, `${pointer}/text`, { max: 3000 });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) checker.err(`${pointer}/fields`, 'must be an array');
        else {
          if (block.fields.length > 10) checker.err(`${pointer}/fields`, 'no more than 10 items allowed');
          block.fields.forEach((f, i) => checker.text(f, `${pointer}/fields/${i}`, { max: 2000, required: true }));
        }
      }
      if (block.accessory !== undefined) {
        checkElement(checker, block.accessory, `${pointer}/accessory`, (t) => INTERACTIVE.has(t) || t === 'image');
      }
      break;
    }
    case 'header':
      checker.text(block.text, `${pointer}/text`, { max: 150, plainOnly: true, required: true });
      break;
    case 'divider':
      break;
    case 'context': {
      if (!Array.isArray(block.elements)) {
        checker.err(`${pointer}/elements`, 'missing required field: elements');
        break;
      }
      if (block.elements.length === 0) checker.err(`${pointer}/elements`, 'must provide at least 1 items');
      if (block.elements.length > 10) checker.err(`${pointer}/elements`, 'no more than 10 items allowed');
      block.elements.forEach((el, i) => {
        const ep = `${pointer}/elements/${i}`;
        if (isObject(el) && (el.type === 'plain_text' || el.type === 'mrkdwn')) {
          checker.text(el, ep, { max: 3000 });
        } else {
          checkElement(checker, el, ep, (t) => t === 'image');
        }
      });
      break;
    }
    case 'actions': {
      if (!Array.isArray(block.elements)) {
        checker.err(`${pointer}/elements`, 'missing required field: elements');
        break;
      }
      if (block.elements.length === 0) checker.err(`${pointer}/elements`, 'must provide at least 1 items');
      if (block.elements.length > 25) checker.err(`${pointer}/elements`, 'no more than 25 items allowed');
      const actionIds = new Set<string>();
      block.elements.forEach((el, i) => {
        const ep = `${pointer}/elements/${i}`;
        const actionId = checkElement(checker, el, ep, (t) => INTERACTIVE.has(t));
        if (actionId !== undefined) {
          if (actionIds.has(actionId)) checker.err(`${ep}/action_id`, `duplicate action_id: ${actionId}`);
          actionIds.add(actionId);
        }
      });
      break;
    }
    case 'input':
      checker.text(block.label, `${pointer}/label`, { max: 2000, plainOnly: true, required: true });
      checker.text(block.hint, `${pointer}/hint`, { max: 2000, plainOnly: true });
      if (block.element === undefined) checker.err(`${pointer}/element`, 'missing required field: element');
      else {
        checkElement(checker, block.element, `${pointer}/element`, (t) => INPUT_ONLY.has(t) || (INTERACTIVE.has(t) && t !== 'button' && t !== 'overflow' && t !== 'workflow_button'));
      }
      break;
    case 'image':
      if (block.image_url === undefined && block.slack_file === undefined) {
        checker.err(pointer, 'must provide either image_url or slack_file');
      }
      checker.maxLen(block.image_url, 3000, `${pointer}/image_url`);
      if (typeof block.alt_text !== 'string') checker.err(`${pointer}/alt_text`, 'missing required field: alt_text');
      else checker.maxLen(block.alt_text, 2000, `${pointer}/alt_text`);
      checker.text(block.title, `${pointer}/title`, { max: 2000, plainOnly: true });
      break;
    case 'rich_text':
      if (!Array.isArray(block.elements)) checker.err(`${pointer}/elements`, 'missing required field: elements');
      break;
    default:
      break;
  }
}
