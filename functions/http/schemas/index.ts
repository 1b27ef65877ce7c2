export * from './campaigns';
export * from './common';
export * from './templates';
