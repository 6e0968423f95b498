import { z } from "zod";

/**
 * Inputs of sign-in and sign-up, shared by the auth router (validation) and the pages (HTML
 * constraints through `constraints()`). Plain zod, nothing server-only: the browser bundle imports it.
 */

/** An email as typed: the field's bounds, before its form is checked. */
export const EmailText = z.string().trim().max(254);
export const Email = EmailText.pipe(z.email("Enter a valid email address."));
export const SignInEmail = z.string().trim().min(1).max(254);
export const SignInPassword = z.string().min(1).max(200);
export const NewPassword = z.string().min(10, "Use at least 10 characters.").max(200);
export const DisplayName = z.string().trim().min(1).max(100);
/** As the registry has it; optional when no registry is loaded. */
export const PersonalCodeText = z.string().trim().max(20);

export const SignInInput = z.object({ email: SignInEmail, password: SignInPassword });

export const SignUpInput = z.object({
  email: Email,
  password: NewPassword,
  displayName: DisplayName,
  personalCode: PersonalCodeText.optional().transform((v) => v || undefined),
});

/** Where the browser is (its origin, for the callback's redirect_uri) and where it goes after signing in. */
export const OidcBeginInput = z.object({ origin: z.url().max(300), next: z.string().max(2000) });

/** The provider's answer as the callback's query (code, state, iss, or error), and the sealed flow cookie. */
export const OidcCompleteInput = z.object({
  query: z.record(z.string().max(100), z.string().max(4000)).refine((q) => Object.keys(q).length <= 20, "Too many parameters."),
  flow: z.string().max(4096).optional(),
});
