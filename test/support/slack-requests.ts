export * from '../../src/sandbox/slack-requests.js';
