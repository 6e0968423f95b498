/** The roles of DESIGN.md. A person may hold several; "anyone" is the absence of a session. */
export const ROLES = ["citizen", "delegate", "clerk", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasRole(roles: readonly Role[], required: Role): boolean {
  return roles.includes(required);
}
