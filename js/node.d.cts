// Types for require('iamjwt'): the same module as import's (js/node.cjs).
export * from './index.js';
