/** DICT's key types: one VSync each. */
export const VSYNC_KEY_TYPES = ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'] as const;
export type KeyType = (typeof VSYNC_KEY_TYPES)[number];
