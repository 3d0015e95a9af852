import type { RelearnSettings } from './relearn-settings.js';
import type { SecretKind } from './setting.js';

export const MASK = '****';

/** `scheme://user:password@host` → `scheme://user:****@host`; text without credentials is returned as is. */
export function maskUrlCredentials(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/, `$1$2:${MASK}@`);
}

/** A setting's value as it may be shown: secrets hidden, null and empty lists kept so "unset" stays visible. */
export function maskSecret(value: unknown, secret: SecretKind): unknown {
  if (secret === 'no' || value === null) return value;
  if (secret === 'url-credentials') return typeof value === 'string' ? maskUrlCredentials(value) : value;
  if (Array.isArray(value)) {
    return value.map((item: unknown) => (item !== null && typeof item === 'object' && 'token' in item ? { ...item, token: MASK } : MASK));
  }
  return MASK;
}

/** The settings with every secret replaced by "****" (URL passwords only), for `relearn config` and start-up logs. */
export function maskSettings(settings: RelearnSettings): RelearnSettings {
  const { kafka, schemaRegistry, mongodb, api } = settings;
  return {
    ...settings,
    kafka: { ...kafka, sasl: kafka.sasl === null ? null : { ...kafka.sasl, password: MASK } },
    schemaRegistry: {
      ...schemaRegistry,
      url: schemaRegistry.url === null ? null : maskUrlCredentials(schemaRegistry.url),
      password: schemaRegistry.password === null ? null : MASK,
    },
    mongodb: { ...mongodb, uri: mongodb.uri === null ? null : maskUrlCredentials(mongodb.uri) },
    api: { ...api, tokens: api.tokens.map((entry) => ({ ...entry, token: MASK })) },
  };
}
