import type { InputHTMLAttributes } from "react";
import type { FormError } from "../utils/api.server";
import { translateError, useT } from "../i18n";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  help?: string;
  error?: string | undefined;
}

/** A labelled input whose help and error text are announced with it. */
export function Field({ name, label, help, error, ...input }: FieldProps) {
  const id = `field-${name}`;
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
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
