export * from '../../slack-double/index.js';
