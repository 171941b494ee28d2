/** Names shared by the synthetic npm feed (synthetic-feed.ts) and the match benchmark's inventory. */
export const npmPackageName = (n: number) => `synth-npm-${n}`;
export const RECORDS_PER_PACKAGE = 10;
