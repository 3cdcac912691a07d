import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

/**
 * The static users of the apiserver's --token-auth-file:
 * - admin: group system:masters, every right, bypasses RBAC;
 * - unprivileged: authenticated, never granted anything (expect 403);
 * - grantee: authenticated, no rights until a test binds a narrow Role to it.
 */
export const userNames = ['admin', 'unprivileged', 'grantee'] as const;
export type UserName = (typeof userNames)[number];

export interface StaticUser {
  name: UserName;
  token: string;
  groups: string[];
}

const groupsOf: Record<UserName, string[]> = {
  admin: ['system:masters'],
  unprivileged: [],
  grantee: [],
};

/** Returns the users with fresh random tokens: a token is valid for one stack only. */
export function makeStaticUsers(): Record<UserName, StaticUser> {
  const users = {} as Record<UserName, StaticUser>;
  for (const name of userNames) {
    users[name] = { name, token: randomBytes(24).toString('base64url'), groups: groupsOf[name] };
  }
  return users;
}

/** Writes the users as a token file (token,user,uid,"group1,group2"), readable by its owner only. */
export async function writeTokenFile(path: string, users: Record<UserName, StaticUser>): Promise<void> {
  const lines = Object.values(users).map((user) =>
    [user.token, user.name, `uid-${user.name}`, `"${user.groups.join(',')}"`].join(','),
  );
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}
