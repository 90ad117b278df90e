/**
 * Checks one element (button, select, input, image, …) against Slack's limits; `allowed` says which
 * element types the enclosing block takes. Returns the element's action_id so a block can spot duplicates.
 */
import { isObject } from '../values.js';
import type { BlockChecker } from './checker.js';
import { INPUT_ONLY, INTERACTIVE } from './limits.js';

export function checkElement(checker: BlockChecker, el: unknown, pointer: string, allowed: (type: string) => boolean): string | undefined {
  if (!isObject(el)) {
    checker.err(pointer, 'must be an object');
    return undefined;
  }
  const type = el.type;
  if (typeof type !== 'string' || !allowed(type)) {
    checker.err(`${pointer}/type`, `unsupported element type here: ${String(type)}`);
    return undefined;
  }
  if (INTERACTIVE.has(type) || INPUT_ONLY.has(type)) checker.maxLen(el.action_id, 255, `${pointer}/action_id`);
  checker.confirm(el.confirm, `${pointer}/confirm`);
  if ('placeholder' in el) checker.text(el.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });

  switch (type) {
    case 'button':
      checker.text(el.text, `${pointer}/text`, { max: 75, plainOnly: true, required: true });
      checker.maxLen(el.value, 2000, `${pointer}/value`);
      checker.maxLen(el.url, 3000, `${pointer}/url`);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        checker.err(`${pointer}/style`, 'must be primary or danger');
      }
      checker.maxLen(el.accessibility_label, 75, `${pointer}/accessibility_label`);
      break;
    case 'static_select':
    case 'multi_static_select':
      if (el.options === undefined && el.option_groups === undefined) {
        checker.err(pointer, 'must provide either options or option_groups');
      }
      if (el.options !== undefined) checker.options(el.options, `${pointer}/options`, 100, true, 1);
      if (el.option_groups !== undefined) {
        if (!Array.isArray(el.option_groups)) checker.err(`${pointer}/option_groups`, 'must be an array');
        else {
          if (el.option_groups.length > 100) checker.err(`${pointer}/option_groups`, 'no more than 100 items allowed');
          el.option_groups.forEach((group, i) => {
            const gp = `${pointer}/option_groups/${i}`;
            if (!isObject(group)) return checker.err(gp, 'must be an object');
            checker.text(group.label, `${gp}/label`, { max: 75, plainOnly: true, required: true });
            checker.options(group.options, `${gp}/options`, 100, true, 1);
          });
        }
      }
      break;
    case 'overflow':
      checker.options(el.options, `${pointer}/options`, 5, true, 1);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checker.options(el.options, `${pointer}/options`, 10, false, 1);
      break;
    case 'plain_text_input':
      checker.maxLen(el.initial_value, 3000, `${pointer}/initial_value`);
      if (typeof el.max_length === 'number' && el.max_length > 3000) {
        checker.err(`${pointer}/max_length`, 'must be no more than 3000');
      }
      break;
    case 'datepicker':
      if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
        checker.err(`${pointer}/initial_date`, 'must be YYYY-MM-DD');
      }
      break;
    case 'image':
      if (el.image_url === undefined && el.slack_file === undefined) {
        checker.err(pointer, 'must provide either image_url or slack_file');
      }
      checker.maxLen(el.image_url, 3000, `${pointer}/image_url`);
      if (typeof el.alt_text !== 'string') checker.err(`${pointer}/alt_text`, 'missing required field: alt_text');
      else checker.maxLen(el.alt_text, 2000, `${pointer}/alt_text`);
      break;
    default:
      break;
  }
  return typeof el.action_id === 'string' ? el.action_id : undefined;
}
