import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Feedback, Field, fieldMessage } from "../components/forms";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { act, type ActionResult, api, readForm } from "../utils/api.server";
import { formatTime } from "../utils/format";
import { REGISTRY_MAX_BYTES, RegistryFileName } from "../../server/trpc/schemas/admin";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return api(request, () => context.trpc.admin.registry());
}

/** A refusal at the file field, before anything reaches the registry. */
const fileRefused = (key: string, params: Record<string, number> = {}): ActionResult<never> => ({
  intent: "import",
  ok: false,
  error: { key: "errors.invalidInput", message: "Some of what you entered is not valid.", params: {}, fields: { file: { key, params } } },
});

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const file = form.get("file");
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return fileRefused("admin.registry.noFile");
  if (file.size === 0) return fileRefused("admin.registry.emptyFile");
  if (file.size > REGISTRY_MAX_BYTES) return fileRefused("admin.registry.tooLarge", { megabytes: REGISTRY_MAX_BYTES / 1_000_000 });
  const csv = await file.text();
  const fileName = file.name.slice(0, RegistryFileName.maxLength ?? 200) || "registry.csv";
  return act(request, "import", () => context.trpc.admin.importRegistry({ fileName, csv }));
}

export default function Registry() {
  const t = useT();
  const locale = useLocale();
  const { total, imports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const report = result?.ok ? result.data : null;
  const fields = result && !result.ok ? result.error.fields : {};
  // The procedure's own field errors (the CSV's size, the file's name) belong to the file field too.
  const fileError = fields.file ?? fields.csv ?? fields.fileName;
  return (
    <div className="page">
      <h1>{t("admin.registry.title")}</h1>
      <p>{t("admin.registry.total", { count: total })}</p>
      <p>{t("admin.registry.lead")}</p>
      <Form method="post" encType="multipart/form-data" className="stack">
        <CsrfField />
        <Field
          id="registry-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          required
          label={t("admin.registry.file")}
          help={t("admin.registry.fileHelp", { megabytes: REGISTRY_MAX_BYTES / 1_000_000 })}
          error={
            fileError?.key === "errors.field.tooLong" ? t("admin.registry.tooLarge", { megabytes: REGISTRY_MAX_BYTES / 1_000_000 }) : fieldMessage(t, fileError)
          }
        />
        <button type="submit" disabled={busy}>
          {busy ? t("admin.registry.importing") : t("admin.registry.submit")}
        </button>
        <Feedback
          result={result}
          success={
            report?.status === "applied"
              ? t("admin.registry.applied", { rows: report.inserted + report.updated, inserted: report.inserted, updated: report.updated })
              : null
          }
        />
      </Form>
      {report?.status === "rejected" ? (
        <section className="alert alert-error" role="alert" aria-labelledby="report-title">
          <h2 id="report-title">{t("admin.registry.rejected", { count: report.problems.length })}</h2>
          <div className="table-wrap" role="region" aria-labelledby="report-title" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("admin.registry.line")}</th>
                  <th scope="col">{t("admin.registry.column")}</th>
                  <th scope="col">{t("admin.registry.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p) => (
                  <tr key={`${p.line}:${p.column}`}>
                    <td>{p.line}</td>
                    <td>
                      <code>{p.column}</code>
                    </td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <h2 id="registry-history">{t("admin.registry.history")}</h2>
      <div className="table-wrap" role="region" aria-labelledby="registry-history" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("admin.registry.when")}</th>
              <th scope="col">{t("admin.registry.fileName")}</th>
              <th scope="col" className="num">
                {t("admin.registry.rows")}
              </th>
              <th scope="col">{t("admin.registry.status")}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((i) => (
              <tr key={i.id}>
                <td>{formatTime(i.createdAt, locale)}</td>
                <td>{i.fileName}</td>
                <td className="num">{i.status === "applied" ? i.importedRows : i.totalRows}</td>
                <td>{t(i.status === "applied" ? "admin.registry.status.applied" : "admin.registry.status.rejected")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
