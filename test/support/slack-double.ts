export * from '../../src/sandbox/slack-double.js';
