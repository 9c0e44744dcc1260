/** Backup schedules GitHub runs on time: not at the top of the hour. */
import type { Problem } from "../../src/core/diagnostics/problems";
import type { DocPath, Positions } from "../../src/core/diagnostics/positions";
import type { Rule } from "./types";
import { longestGapHours } from "../../src/core/cronGap";
import { CODE_DEFAULTS } from "../model";
import { layerPath, presetOf } from "../tiers";

function minuteWarning(schedule: string | undefined, path: DocPath, at: Positions): Problem[] {
  if (!schedule) return [];
  const minute = schedule.trim().split(/\s+/)[0];
  if (minute === "0" || minute === "*" || minute === "00") {
    return [
      at.error(
        path,
        `"${schedule}" runs at minute ${minute === "*" ? "every minute" : "0"}; GitHub delays scheduled runs at the top of the hour, pick a minute such as 17`,
        "warning",
      ),
    ];
  }
  return [];
}

export const scheduleMinutes: Rule = ({ defaults, tiers, entries, at }) => [
  ...minuteWarning(defaults.backup?.schedule, ["defaults", "backup", "schedule"], at),
  ...Object.entries(tiers).flatMap(([name, preset]) => minuteWarning(preset.backup?.schedule, ["tiers", name, "backup", "schedule"], at)),
  ...entries.flatMap(({ index, raw }) => minuteWarning(raw.backup?.schedule, ["tenants", index, "backup", "schedule"], at)),
];

/** A stated RPO the schedule keeps: its longest gap between two backups is not longer. */
export const scheduleKeepsRpo: Rule = ({ defaults, tiers, entries, at }) =>
  entries.flatMap(({ index, raw, layer }) => {
    const rpo = raw.backup?.rpoHours ?? layer.backup?.rpoHours;
    const enabled = raw.backup?.enabled ?? layer.backup?.enabled ?? CODE_DEFAULTS.backup.enabled;
    if (rpo === undefined || !enabled) return [];
    const schedule = raw.backup?.schedule ?? layer.backup?.schedule ?? CODE_DEFAULTS.backup.schedule;
    let gap: number;
    try {
      gap = longestGapHours(schedule);
    } catch {
      return []; // the schedule's own problem is reported where it is
    }
    if (gap <= rpo) return [];
    const path =
      raw.backup?.rpoHours !== undefined
        ? ["tenants", index, "backup", "rpoHours"]
        : raw.backup?.schedule !== undefined
          ? ["tenants", index, "backup", "schedule"]
          : (layerPath(raw.tier, presetOf(tiers, raw.tier), defaults, ["backup", "rpoHours"]) ?? ["tenants", index]);
    return [
      at.error(
        path,
        `the schedule "${schedule}" leaves up to ${gap} h between backups, longer than the stated RPO of ${rpo} h; schedule backups at least every ${rpo} h (e.g. "17 */${Math.min(rpo, 24)} * * *") or state the RPO the schedule keeps`,
      ),
    ];
  });

/** Each rollout names one of the stack's migration waves. */
export const rolloutWaves: Rule = ({ defaults, tiers, entries, ctx, at }) => {
  const waves = ctx.waves;
  if (!waves) return [];
  const check = (wave: string | undefined, path: DocPath): Problem[] =>
    wave === undefined || waves.names.includes(wave)
      ? []
      : [
          at.error(
            path,
            `"${wave}" is not a migration wave of this stack (${waves.source} is ${waves.names.join(", ")}); use one of them, or add the wave there`,
          ),
        ];
  return [
    ...check(defaults.rollout, ["defaults", "rollout"]),
    ...Object.entries(tiers).flatMap(([name, preset]) => check(preset.rollout, ["tiers", name, "rollout"])),
    ...entries.flatMap(({ index, raw }) => check(raw.rollout, ["tenants", index, "rollout"])),
  ];
};
