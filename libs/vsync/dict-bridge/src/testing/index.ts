export * from './synthetic';
