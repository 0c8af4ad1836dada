export const CHANNELS = ['google-ads', 'meta', 'linkedin'] as const;
export type Channel = (typeof CHANNELS)[number];
