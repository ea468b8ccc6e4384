/**
 * Roles granted to one QueryPie user until an expiry
 * (`/kac/access-controls/users/{userUuid}/roles`), as a Pulumi dynamic resource.
 *
 * The expiry is fixed when the grant is first made: the configured `expiresAt`, else now + 364
 * days at the end of that day UTC. It is kept in state (`expirationDate`), so a re-run sends
 * nothing; once it has passed, the next apply renews it with a fresh default.
 *
 * - create: looks the user up by login id; roles already granted with the wanted expiry are
 *   adopted without a write; the others are granted (a role granted with another expiry is
 *   revoked and granted again, since the API has no "change expiry").
 * - read: the user's roles, once per user per run (cached); none of ours left -> empty id.
 * - update: revokes roles no longer declared, grants missing ones, re-grants wrong expiries.
 * - delete: revokes our roles; a 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { QueryPieUser, UserRole } from "../../platform/client";
import { isNotFound } from "../../platform/errors";
import { defaultExpiry, hasExpired, sameInstant } from "../expiry";
import {
  API_SECRET_OUTPUTS,
  apiClient,
  apiOutputs,
  cached,
  connectionMoved,
  failed,
  invalidate,
  sameSet,
  type ApiInputs,
} from "./common";

export interface KacGrantInputs extends ApiInputs {
  loginId: string;
  roleUuids: string[];
  /** ISO-8601 expiry from config; unset: the default, fixed at first grant. */
  expiresAt?: string;
}

export interface KacGrantOutputs extends KacGrantInputs {
  userUuid: string;
  /** The expiry this grant keeps (fixed at creation unless configured or renewed). */
  expirationDate: string;
  /** What QueryPie reported at the last read or write: role uuid -> expiry. */
  granted: { roleUuid: string; expirationDate: string }[];
}

export const KAC_GRANT_SECRET_OUTPUTS = API_SECRET_OUTPUTS;

export interface GrantProviderOptions {
  /** The clock; tests inject one. Default `new Date()`. */
  now?: () => Date;
}

function findUser(api: ApiInputs, loginId: string): Promise<QueryPieUser | undefined> {
  return cached(api, `user ${loginId}`, () => apiClient(api).findUserByLoginId(loginId));
}

function userRoles(api: ApiInputs, userUuid: string): Promise<UserRole[]> {
  return cached(api, `user-roles ${userUuid}`, () => apiClient(api).listUserRoles(userUuid));
}

/** The expiry wanted now: the configured one, else the one in state unless it has passed. */
export function wantedExpiry(news: KacGrantInputs, kept: string | undefined, now: Date): string {
  if (news.expiresAt) return news.expiresAt;
  if (kept && !hasExpired(kept, now)) return kept;
  return defaultExpiry(now);
}

interface GrantPlan {
  revoke: string[];
  grant: string[];
}

/** Which roles to revoke and grant so that exactly `wanted` roles hold `expiry`. */
export function planGrant(
  live: { roleUuid: string; expirationDate?: string }[],
  previous: string[],
  wanted: string[],
  expiry: string,
): GrantPlan {
  const liveById = new Map(live.map((r) => [r.roleUuid, r]));
  const dropped = previous.filter((r) => !wanted.includes(r) && liveById.has(r));
  const stale = wanted.filter(
    (r) => liveById.has(r) && !sameInstant(liveById.get(r)?.expirationDate, expiry),
  );
  const missing = wanted.filter((r) => !liveById.has(r));
  return { revoke: [...dropped, ...stale], grant: [...stale, ...missing] };
}

function label(loginId: string): string {
  return `the roles of QueryPie user "${loginId}"`;
}

export function makeKacGrantProvider(
  options: GrantProviderOptions = {},
): pulumi.dynamic.ResourceProvider<KacGrantInputs, KacGrantOutputs> {
  const clock = options.now ?? (() => new Date());

  async function apply(
    news: KacGrantInputs,
    userUuid: string,
    previous: string[],
    kept: string | undefined,
  ): Promise<KacGrantOutputs> {
    const live = await userRoles(news, userUuid);
    const ours = live.filter((r) => news.roleUuids.includes(r.roleUuid));
    // Adopting a grant made by a run that failed before saving: keep its expiry if all agree.
    const adoptable =
      kept === undefined &&
      !news.expiresAt &&
      ours.length === news.roleUuids.length &&
      ours.every((r) => sameInstant(r.expirationDate, ours[0].expirationDate)) &&
      ours.length > 0 &&
      !hasExpired(ours[0].expirationDate, clock());
    const expiry = adoptable ? ours[0].expirationDate : wantedExpiry(news, kept, clock());
    const plan = planGrant(live, previous, news.roleUuids, expiry);
    const client = apiClient(news);
    if (plan.revoke.length > 0) await client.revokeRoles(userUuid, plan.revoke, { missingOk: true });
    if (plan.grant.length > 0) await client.grantRoles(userUuid, plan.grant, expiry);
    if (plan.revoke.length > 0 || plan.grant.length > 0) invalidate(news, `user-roles ${userUuid}`);
    const outs: KacGrantOutputs = {
      ...apiOutputs(news),
      loginId: news.loginId,
      roleUuids: news.roleUuids,
      userUuid,
      expirationDate: expiry,
      granted: news.roleUuids.map((roleUuid) => ({ roleUuid, expirationDate: expiry })),
    };
    if (news.expiresAt !== undefined) outs.expiresAt = news.expiresAt;
    return outs;
  }

  return {
    async create(news) {
      try {
        const user = await findUser(news, news.loginId);
        if (!user) {
          throw new Error(
            `QueryPie has no user with login id "${news.loginId}". Create the user in QueryPie ` +
              `(Administrator > Users), or fix the loginId under access.grants, then run again`,
          );
        }
        const outs = await apply(news, user.uuid, [], undefined);
        return { id: user.uuid, outs };
      } catch (e) {
        throw failed(`Granting ${label(news.loginId)}`, e);
      }
    },

    async read(id, props) {
      if (!props) throw new Error(`Reading QueryPie grant ${id}: no saved state; import is not supported`);
      try {
        const live = await userRoles(props, id);
        const ours = live.filter((r) => props.roleUuids.includes(r.roleUuid));
        if (ours.length === 0) return { id: "", props: undefined };
        // "" for a grant without expiry (QueryPie: "if set"): an `undefined` would fail the provider
        // host's protobuf Struct, and "" is never the wanted expiry, so the grant is redone.
        const granted = ours.map((r) => ({ roleUuid: r.roleUuid, expirationDate: r.expirationDate ?? "" }));
        return { id, props: { ...props, granted } };
      } catch (e) {
        if (isNotFound(e)) return { id: "", props: undefined };
        throw failed(`Reading ${label(props.loginId)}`, e);
      }
    },

    async diff(_id, olds, news) {
      const replaces = olds.loginId !== news.loginId ? ["loginId"] : [];
      const expiry = wantedExpiry(news, olds.expirationDate, clock());
      const granted = olds.granted ?? [];
      const changes =
        replaces.length > 0 ||
        olds.apiToken !== news.apiToken ||
        connectionMoved(olds, news) ||
        !sameSet(olds.roleUuids, news.roleUuids) ||
        !sameInstant(olds.expirationDate, expiry) ||
        !sameSet(
          granted.map((g) => g.roleUuid),
          news.roleUuids,
        ) ||
        granted.some((g) => !sameInstant(g.expirationDate, expiry));
      return { changes, replaces };
    },

    async update(id, olds, news) {
      try {
        return { outs: await apply(news, id, olds.roleUuids, olds.expirationDate) };
      } catch (e) {
        throw failed(`Updating ${label(news.loginId)}`, e);
      }
    },

    async delete(id, props) {
      try {
        await apiClient(props).revokeRoles(id, props.roleUuids, { missingOk: true });
        invalidate(props, `user-roles ${id}`);
      } catch (e) {
        if (isNotFound(e)) return;
        throw failed(`Revoking ${label(props.loginId)}`, e);
      }
    },
  };
}

/** The provider used by the lab (real clock). */
export const kacGrantProvider = makeKacGrantProvider();
