import { basename } from "node:path";
import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  MaxPartSizeExceededError,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Feedback, Field, fieldMessage } from "../components/forms";
import { type MessageKey, useLocale, useT } from "../i18n";
import { CsrfField } from "../root";
import { act, type ActionResult, api, unreadableForm } from "../utils/api.server";
import { formatTime } from "../utils/format";
import { REGISTRY_UPLOAD_DIR } from "../../server/trpc/routers/admin.server";
import { REGISTRY_UPLOAD_MAX_BYTES, RegistryFileName } from "../../server/trpc/schemas/admin";

const RUNNING = ["checking", "writing"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const id = new URL(request.url).searchParams.get("import");
  const job = id ? await api(request, () => context.trpc.admin.registryImport({ id: id.slice(0, 64) })) : null;
  // While an import runs the page refreshes itself: it reads only the import's progress then.
  const summary = job && RUNNING.includes(job.status) ? null : await api(request, () => context.trpc.admin.registry());
  return { job, summary };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Agora" },
  // Progress without JavaScript: the page reloads itself while the import runs.
  ...(data?.job && RUNNING.includes(data.job.status) ? [{ httpEquiv: "refresh" as const, content: "3" }] : []),
];

/** A refusal at the file field, before anything reaches the registry. */
const fileRefused = (key: string, params: Record<string, number> = {}): ActionResult<never> => ({
  intent: "import",
  ok: false,
  error: { key: "errors.invalidInput", message: "Some of what you entered is not valid.", params: {}, fields: { file: { key, params } } },
});

const megabytes = REGISTRY_UPLOAD_MAX_BYTES / 1_000_000;

/**
 * The census is streamed to a temporary file (never held in memory whole), then imported in the
 * background: the page follows the import's progress at ?import=<id>.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  let form: FormData;
  // The file on disk gets a name of its own; the admin's name for it is what the import history shows.
  let uploadedName = "";
  const toDisk = unstable_createFileUploadHandler({
    directory: REGISTRY_UPLOAD_DIR,
    maxPartSize: REGISTRY_UPLOAD_MAX_BYTES,
    avoidFileConflicts: true,
    filter: ({ name }) => name === "file",
  });
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        (part) => {
          if (part.name === "file" && part.filename) uploadedName = part.filename;
          return toDisk(part);
        },
        unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
      ),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError && error.field === "file") return fileRefused("admin.registry.tooLarge", { megabytes });
    // Not multipart, multipart that breaks off, or a field no form of this page sends at that size.
    throw unreadableForm();
  }
  const file = form.get("file");
  const stored = file && typeof file === "object" && "getFilePath" in file ? (file as File & { getFilePath(): string; remove(): Promise<void> }) : null;
  if (form.get("csrf") !== context.csrfToken) {
    await stored?.remove();
    throw new Response("Your form expired. Please try again.", { status: 403, statusText: "csrf" });
  }
  if (!stored) return fileRefused("admin.registry.noFile");
  if (stored.size === 0) {
    await stored.remove();
    return fileRefused("admin.registry.emptyFile");
  }
  const fileName = (uploadedName || stored.name).slice(0, RegistryFileName.maxLength ?? 200) || "registry.csv";
  const result = await act(request, "import", () => context.trpc.admin.startRegistryImport({ fileName, upload: basename(stored.getFilePath()) }));
  if (result.ok) return redirect(`/admin/registry?import=${encodeURIComponent(result.data.importId)}`);
  await stored.remove().catch(() => {});
  return result;
}

type Job = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["job"]>;

/** The import's progress while it runs, and its outcome after: applied, or the rows that stopped it. */
function ImportOutcome({ job }: { job: Job }) {
  const t = useT();
  if (job.status === "checking" || job.status === "writing") {
    const [done, of] = job.status === "checking" ? [job.totalRows, 0] : [job.rowsWritten, job.totalRows];
    return (
      <section className="stack" aria-labelledby="progress-title">
        <h2 id="progress-title">{t("admin.registry.progressTitle", { file: job.fileName })}</h2>
        <p role="status">
          {job.status === "checking"
            ? t("admin.registry.progress.checking", { rows: job.totalRows })
            : t("admin.registry.progress.writing", { written: job.rowsWritten, total: job.totalRows })}
        </p>
        {of > 0 ? <progress max={of} value={done} aria-labelledby="progress-title" /> : <progress aria-labelledby="progress-title" />}
        <p>{t("admin.registry.progressRefresh")}</p>
      </section>
    );
  }
  if (job.status === "applied") {
    return (
      <p role="status" className="alert alert-success">
        {t("admin.registry.applied", { rows: job.rowsWritten, inserted: job.inserted, updated: job.updated })}
      </p>
    );
  }
  if (job.status === "failed") {
    return (
      <p role="alert" className="alert alert-error">
        {t("admin.registry.failed", { file: job.fileName })}
      </p>
    );
  }
  return (
    <section className="alert alert-error" role="alert" aria-labelledby="report-title">
      <h2 id="report-title">{t("admin.registry.rejected", { count: job.problemCount })}</h2>
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
            {job.problems.map((p) => (
              <tr key={`${p.line}:${p.column}:${p.key}`}>
                <td>{p.line}</td>
                <td>
                  <code>{p.column}</code>
                </td>
                <td>{p.key ? t(p.key as MessageKey, p.params) : p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {job.problemCount > job.problems.length ? <p>{t("admin.registry.moreProblems", { count: job.problemCount - job.problems.length })}</p> : null}
    </section>
  );
}

export default function Registry() {
  const t = useT();
  const { job, summary } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields = result && !result.ok ? result.error.fields : {};
  // The procedure's own field errors (the file's name) belong to the file field too.
  const fileError = fields.file ?? fields.fileName;
  return (
    <div className="page">
      <h1>{t("admin.registry.title")}</h1>
      {summary ? <p>{t("admin.registry.total", { count: summary.total })}</p> : null}
      {job ? <ImportOutcome job={job} /> : null}
      {summary ? <ImportForm busy={busy} result={result} fileError={fileError} /> : null}
      {summary ? <ImportHistory imports={summary.imports} /> : null}
    </div>
  );
}

function ImportForm({
  busy,
  result,
  fileError,
}: {
  busy: boolean;
  result: ReturnType<typeof useActionData<typeof action>>;
  fileError: Parameters<typeof fieldMessage>[1];
}) {
  const t = useT();
  return (
    <>
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
          help={t("admin.registry.uploadHelp", { megabytes })}
          error={fieldMessage(t, fileError)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t("admin.registry.importing") : t("admin.registry.submit")}
        </button>
        <Feedback result={result} success={null} />
      </Form>
    </>
  );
}

function ImportHistory({ imports }: { imports: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["summary"]>["imports"] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
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
                <td className="num">{i.status === "applied" ? i.importedRows : i.status === "checking" ? i.rowsRead : i.totalRows}</td>
                <td>{t(`admin.registry.status.${i.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
