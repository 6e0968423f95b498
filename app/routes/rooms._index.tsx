import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MatterStatus } from "../components/matters";
import { useLocale, useT } from "../i18n";
import { writtenLang } from "../i18n/written";
import { api } from "../utils/api.server";
import { formatTime } from "../utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { rooms: await api(request, () => context.trpc.room.list()) };
}

export default function Rooms() {
  const t = useT();
  const locale = useLocale();
  const { rooms } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("rooms.title")}</h1>
      <p>{t("rooms.lead")}</p>
      {rooms.length === 0 ? (
        <p className="empty">{t("rooms.empty")}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label={t("rooms.title")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("rooms.matter")}</th>
                <th scope="col">{t("rooms.events")}</th>
                <th scope="col">{t("rooms.lastActivity")}</th>
              </tr>
            </thead>
            <tbody>
              {rooms.map((room) => (
                <tr key={room.matterId}>
                  <td>
                    <Link to={`/rooms/${room.matterId}`} lang={writtenLang(locale, room.title)}>
                      {room.title}
                    </Link>{" "}
                    <MatterStatus status={room.status} emergency={false} />
                  </td>
                  <td>{room.headSeq}</td>
                  <td>{formatTime(room.lastActivity, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
