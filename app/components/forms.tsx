import { useActionData, useFetcher } from "@remix-run/react";
import {
  type ButtonHTMLAttributes,
  createContext,
  type FormHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
} from "react";
import { type MessageKey, translateError, type Translate, useT } from "../i18n";
import { CsrfField } from "../root";
import type { ActionResult, FieldError, FormError } from "../utils/api.server";

/**
 * Forms whose answer appears where the person acted. An `ActionForm` posts through its own fetcher, so
 * the page neither navigates nor scrolls; its fields show their own errors, and the error or the
 * confirmation appears next to the button, is announced (live region) and takes the focus.
 */

interface FormState {
  result: ActionResult | undefined;
  busy: boolean;
}
const FormContext = createContext<FormState | null>(null);

/** A field error in the person's language: the app's own message with its bounds, never zod's English. */
export function fieldMessage(t: Translate, error: FieldError | string | undefined): string | undefined {
  if (error === undefined) return undefined;
  if (typeof error === "string") return error;
  return t(error.key as MessageKey, error.params);
}

/** The field errors of the ActionForm around, by field name: for inputs a Field cannot be, like a list's items. */
export function useFormErrors(): Record<string, FieldError> {
  const state = useContext(FormContext);
  return state?.result && !state.result.ok ? state.result.error.fields : {};
}

export function useFieldError(name: string, explicit: FieldError | string | undefined): string | undefined {
  const t = useT();
  const state = useContext(FormContext);
  const fromForm = state?.result && !state.result.ok ? state.result.error.fields[name] : undefined;
  return fieldMessage(t, explicit ?? fromForm);
}

interface CommonFieldProps {
  name: string;
  label: ReactNode;
  help?: ReactNode;
  /** An error given by the page; inside an ActionForm the form's own result is used. */
  error?: FieldError | string | undefined;
  /** Defaults to `field-<name>`; give one when a page has the same field in several forms. */
  id?: string;
}

function FieldFrame({ id, label, help, error, children }: { id: string; label: ReactNode; help?: ReactNode; error: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const describedBy = (id: string, help: unknown, error: unknown) =>
  [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;

/** A labelled input whose help and error text are announced with it. */
export function Field({ name, label, help, error, id: given, ...input }: CommonFieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = given ?? `field-${name}`;
  const message = useFieldError(name, error);
  return (
    <FieldFrame id={id} label={label} help={help} error={message}>
      <input id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={describedBy(id, help, message)} {...input} />
    </FieldFrame>
  );
}

/** A labelled text area, like Field. */
export function TextField({ name, label, help, error, id: given, ...input }: CommonFieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = given ?? `field-${name}`;
  const message = useFieldError(name, error);
  return (
    <FieldFrame id={id} label={label} help={help} error={message}>
      <textarea id={id} name={name} aria-invalid={message ? true : undefined} aria-describedby={describedBy(id, help, message)} {...input} />
    </FieldFrame>
  );
}

/** The error of a whole form, announced when it appears. */
export function FormAlert({ error }: { error: FormError | null | undefined }) {
  const t = useT();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {translateError(t, error)}
    </div>
  );
}

/** A layout effect in the browser; on the server (where it would warn) a plain effect, which never runs there. */
const useFocusEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * The answer to a form, where the form is: an error (role alert) or a confirmation (role status).
 * It takes the focus when it appears, so a keyboard or screen-reader user is where the news is.
 */
export function Feedback({ result, success, settled = true }: { result: ActionResult | undefined | null; success?: ReactNode; settled?: boolean }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  // Before the browser paints: the message is never seen without the focus on it.
  useFocusEffect(() => {
    if (result) ref.current?.focus();
  }, [result]);
  // The page's data reloads after the action and may grow above the form: bring the answer back into view.
  useEffect(() => {
    if (result && settled) ref.current?.scrollIntoView({ block: "nearest" });
  }, [result, settled]);
  if (!result) return null;
  if (!result.ok) {
    return (
      <div ref={ref} tabIndex={-1} className="alert alert-error feedback" role="alert">
        {translateError(t, result.error)}
      </div>
    );
  }
  if (!success) return null;
  return (
    <div ref={ref} tabIndex={-1} className="alert alert-ok feedback" role="status">
      {success}
    </div>
  );
}

type ActionFormProps<T> = Omit<FormHTMLAttributes<HTMLFormElement>, "children" | "method" | "action" | "encType" | "hidden"> & {
  encType?: "application/x-www-form-urlencoded" | "multipart/form-data";
  /** Which of the page action's forms this is; the action answers with the same intent. */
  intent: string;
  /** Tells apart forms of one intent on a page (one per statement): without JavaScript the answer shows at the one sent. */
  formKey?: string;
  /** Hidden fields the action needs besides the CSRF token and the intent. */
  hidden?: Record<string, string | number>;
  /** What to say when it worked (nothing when the page itself shows the change). */
  success?: ReactNode | ((data: T) => ReactNode);
  /** Once it worked, show this instead of the form (a finished form shows its finished state). */
  done?: (data: T) => ReactNode;
  /** Empty the form's fields after it worked. */
  resetOnSuccess?: boolean;
  /** Told once it worked: for a page whose form goes away with what it changed (the page says so instead). */
  onSuccess?: (data: T) => void;
  action?: string;
  children: ReactNode | ((state: { busy: boolean }) => ReactNode);
};

/** A form that posts to the page's action through its own fetcher and answers in place. */
export function ActionForm<T = unknown>({ intent, formKey, hidden, success, done, resetOnSuccess, onSuccess, action, children, ...rest }: ActionFormProps<T>) {
  const fetcher = useFetcher<ActionResult<T>>();
  const form = useRef<HTMLFormElement>(null);
  // Without JavaScript the form posts as a page, and its answer comes back as the page's action data.
  const posted = useActionData<ActionResult<T>>();
  const result = fetcher.data
    ? fetcher.data.intent === intent
      ? fetcher.data
      : undefined
    : posted?.intent === intent && (posted.formKey ?? "") === (formKey ?? "")
      ? posted
      : undefined;
  const busy = fetcher.state !== "idle";
  const told = useRef(onSuccess);
  told.current = onSuccess;
  useEffect(() => {
    if (result?.ok && resetOnSuccess) form.current?.reset();
    if (result?.ok) told.current?.(result.data);
  }, [result, resetOnSuccess]);
  if (result?.ok && done) return <>{done(result.data)}</>;
  const said = result?.ok && typeof success === "function" ? success(result.data) : (success as ReactNode);
  return (
    <FormContext.Provider value={{ result, busy }}>
      <fetcher.Form method="post" ref={form} aria-busy={busy || undefined} {...(action ? { action } : {})} {...rest}>
        <CsrfField />
        <input type="hidden" name="intent" value={intent} />
        {formKey ? <input type="hidden" name="formKey" value={formKey} /> : null}
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={String(value)} />
        ))}
        {typeof children === "function" ? children({ busy }) : children}
        {/* While it is sent again, the last answer is gone: the next one is news, and takes the focus. */}
        <Feedback result={busy ? undefined : result} success={said} />
      </fetcher.Form>
    </FormContext.Provider>
  );
}

/** A submit button that says it is working while its form is. */
export function Submit({ children, busyLabel, disabled, ...button }: { children: ReactNode; busyLabel?: ReactNode } & ButtonHTMLAttributes<HTMLButtonElement>) {
  const state = useContext(FormContext);
  const busy = state?.busy ?? false;
  return (
    <button type="submit" {...button} disabled={busy || disabled}>
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}

/**
 * A page's own word on what was just done, for acts whose form goes away with what they changed (a
 * convened matter shows no convene form): announced, focused and brought into view.
 */
export function Announcement({ text }: { text: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (!text) return;
    ref.current?.focus();
    ref.current?.scrollIntoView({ block: "nearest" });
  }, [text]);
  return text ? (
    <p ref={ref} tabIndex={-1} className="alert alert-ok feedback" role="status">
      {text}
    </p>
  ) : null;
}
