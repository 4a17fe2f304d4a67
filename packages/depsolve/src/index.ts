export * from './closure.js';
