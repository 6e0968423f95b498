import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormAlert } from "../components/forms";
import { useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { api, attempt, readForm } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return api(request, () => context.trpc.admin.registry());
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrfToken);
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return { error: { key: "admin.registry.noFile", message: "Choose a CSV file to import.", params: {}, fields: {} }, report: null };
  }
  const csv = await file.text();
  const result = await attempt(request, () => context.trpc.admin.importRegistry({ fileName: file.name.slice(0, 200) || "registry.csv", csv }));
  if (!result.ok) return { error: result.error, report: null };
  return { error: null, report: result.data };
}

export default function Registry() {
  const t = useT();
  const locale = useLocale();
  const { total, imports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const report = result?.report;
  return (
    <div className="page">
      <h1>{t("admin.registry.title")}</h1>
      <p>{t("admin.registry.total", { count: total })}</p>
      <p>{t("admin.registry.lead")}</p>
      <FormAlert error={result?.error} />
      <Form method="post" encType="multipart/form-data" className="stack">
        <CsrfField />
        <div className="field">
          <label htmlFor="registry-file">{t("admin.registry.file")}</label>
          <input id="registry-file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit" disabled={busy}>
          {t("admin.registry.submit")}
        </button>
      </Form>
      {report?.status === "applied" ? (
        <p className="alert alert-ok" role="status">
          {t("admin.registry.applied", { rows: report.inserted + report.updated, inserted: report.inserted, updated: report.updated })}
        </p>
      ) : null}
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
                {report.problems.map((p, i) => (
                  <tr key={i}>
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
              <th scope="col" className="num">{t("admin.registry.rows")}</th>
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
