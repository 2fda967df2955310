/**
 * What an API key may do. `admin` implies every other scope and adds tenant management;
 * the others are per tenant. A route declares the scope it needs with `@RequireScope`.
 */
export const SCOPES = [
  'jobs:read',
  'jobs:write',
  'executions:read',
  'executions:write',
  'keys:manage',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
