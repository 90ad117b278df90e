/** What Slack allows where: blocks per surface, the block types it knows, and which elements are interactive or input-only. */
export type BlockSurface = 'message' | 'modal' | 'home';

export const BLOCK_LIMIT: Record<BlockSurface, number> = { message: 50, modal: 100, home: 100 };
export const KNOWN_BLOCKS = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text']);
const SELECT_MENUS = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);
export const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECT_MENUS,
]);
export const INPUT_ONLY = new Set(['plain_text_input', 'email_text_input', 'number_input', 'url_text_input', 'rich_text_input', 'file_input']);
