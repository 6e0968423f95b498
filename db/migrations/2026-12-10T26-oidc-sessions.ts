import type { Kysely } from "kysely";

/**
 * A session opened through OpenID Connect keeps where to end the provider's session too (its
 * end_session_endpoint with the ID token as id_token_hint and this site as post_logout_redirect_uri),
 * built when she signed in. Null for password sessions and providers without one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("oidc_sign_out_url", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").dropColumn("oidc_sign_out_url").execute();
}
