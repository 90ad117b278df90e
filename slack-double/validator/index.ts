/**
 * Block Kit validation as Slack does it for messages, modals and App Home, with Slack's error
 * wording and JSON pointers, so a render that Slack would refuse fails in tests first.
 */
import { isObject } from '../values.js';
import { checkBlock } from './blocks.js';
import { BlockChecker } from './checker.js';
import { BLOCK_LIMIT, type BlockSurface } from './limits.js';

export type { BlockSurface } from './limits.js';

/**
 * Validates blocks the way Slack does for a surface; returns Slack-style
 * `[ERROR] … [json-pointer:…]` messages, empty when the blocks would be accepted.
 */
export function validateBlocks(blocks: unknown, surface: BlockSurface): string[] {
  const root = surface === 'message' ? '/blocks' : '/view/blocks';
  const checker = new BlockChecker();
  if (!Array.isArray(blocks)) {
    checker.err(root, 'must be an array');
    return checker.errors;
  }
  const limit = BLOCK_LIMIT[surface];
  if (blocks.length > limit) checker.err(root, `no more than ${limit} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => checkBlock(checker, block, `${root}/${i}`, blockIds));
  return checker.errors;
}

/** Validates a modal or App Home view object the way views.open/update/push/publish do. */
export function validateView(view: unknown, surface: 'modal' | 'home'): string[] {
  const checker = new BlockChecker();
  if (!isObject(view)) {
    checker.err('/view', 'must be an object');
    return checker.errors;
  }
  if (view.type !== surface) checker.err('/view/type', `must be ${surface}`);
  if (surface === 'modal') {
    checker.text(view.title, '/view/title', { max: 24, plainOnly: true, required: true });
    checker.text(view.submit, '/view/submit', { max: 24, plainOnly: true });
    checker.text(view.close, '/view/close', { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) checker.err('/view', 'must provide submit when the view has input blocks');
  }
  checker.maxLen(view.private_metadata, 3000, '/view/private_metadata');
  checker.maxLen(view.callback_id, 255, '/view/callback_id');
  checker.maxLen(view.external_id, 255, '/view/external_id');
  if (view.blocks === undefined) checker.err('/view/blocks', 'missing required field: blocks');
  else checker.errors.push(...validateBlocks(view.blocks, surface));
  return checker.errors;
}
