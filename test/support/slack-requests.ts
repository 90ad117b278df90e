export * from '../../slack-double/requests/index.js';
