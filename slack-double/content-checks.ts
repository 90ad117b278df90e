/**
 * The checks Slack makes before anything becomes a message or a view, answered with Slack's error
 * codes: shared by chat.*, response URLs and a command's immediate answer, and by views.* and the
 * `response_action`s of a submission.
 */
import { fail, type Args, type Reply } from './reply.js';
import { validateBlocks, validateView } from './validator/index.js';
import { str } from './values.js';

const MAX_MESSAGE_TEXT = 40000;

/** Undefined when the message would be accepted; `requireContent` is false for chat.update. */
export function checkMessageContent(args: Args, requireContent = true): Reply | undefined {
  const text = args.text;
  if (text !== undefined && typeof text !== 'string' && typeof text !== 'number') return fail('invalid_arguments');
  const blocks = args.blocks;
  if (typeof blocks === 'string') {
    return fail('invalid_blocks_format', { response_metadata: { messages: ['[ERROR] blocks must be a JSON array [json-pointer:/blocks]'] } });
  }
  const hasText = str(text) !== undefined && str(text) !== '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
  if (requireContent && !hasText && !hasBlocks && !hasAttachments) return fail('no_text');
  if ((str(text) ?? '').length > MAX_MESSAGE_TEXT) return fail('msg_too_long');
  if (blocks !== undefined) {
    const errors = validateBlocks(blocks, 'message');
    if (errors.length > 0) {
      return fail('invalid_blocks', {
        errors: errors.map((e) => e.replace(/^\[ERROR\] /, '')),
        response_metadata: { messages: errors },
      });
    }
  }
  return undefined;
}

/** Undefined when the view would be accepted on that surface. */
export function checkView(view: unknown, surface: 'modal' | 'home'): Reply | undefined {
  if (view === undefined) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  const errors = validateView(view, surface);
  if (errors.length > 0) return fail('invalid_arguments', { response_metadata: { messages: errors } });
  return undefined;
}
