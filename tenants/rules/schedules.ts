/** Backup schedules GitHub runs on time: not at the top of the hour. */
import type { Problem } from "../../diagnostics/problems";
import type { DocPath, Positions } from "../../diagnostics/positions";
import type { Rule } from "./types";

function minuteWarning(schedule: string | undefined, path: DocPath, at: Positions): Problem[] {
  if (!schedule) return [];
  const minute = schedule.trim().split(/\s+/)[0];
  if (minute === "0" || minute === "*" || minute === "00") {
    return [at.error(path, `"${schedule}" runs at minute ${minute === "*" ? "every minute" : "0"}; GitHub delays scheduled runs at the top of the hour, pick a minute such as 17`, "warning")];
  }
  return [];
}

export const scheduleMinutes: Rule = ({ defaults, entries, at }) => [
  ...minuteWarning(defaults.backup?.schedule, ["defaults", "backup", "schedule"], at),
  ...entries.flatMap(({ index, raw }) => minuteWarning(raw.backup?.schedule, ["tenants", index, "backup", "schedule"], at)),
];
