import { describe, expect, it } from "vitest";
import {
  billablePrices,
  CATALOGUE,
  formatCents,
  InvalidSelectionError,
  priceFor,
  priceForLookupKey,
  quoteSelection,
  type ProjectSelection,
} from "./catalogue";

function row(projectName: string, picks: Partial<Omit<ProjectSelection, "projectName">> = {}): ProjectSelection {
  return { projectName, planner: false, safety: false, plannerBoard: false, safetyBadge: false, ...picks };
}

describe("priceFor", () => {
  it("prices the modules per project per month, and a year at 12 months", () => {
    expect(priceFor("PLANNER", "month")).toMatchObject({ unitCents: 29_500, lookupKey: "smartapp_planner_monthly" });
    expect(priceFor("SAFETY", "month")).toMatchObject({ unitCents: 59_500, lookupKey: "smartapp_safety_monthly" });
    expect(priceFor("PLANNER", "year")).toMatchObject({ unitCents: 354_000, lookupKey: "smartapp_planner_yearly" });
    expect(priceFor("SAFETY", "year")).toMatchObject({ unitCents: 714_000, lookupKey: "smartapp_safety_yearly" });
  });

  it("includes the add-ons at $0, each requiring its module", () => {
    expect(priceFor("PLANNER_BOARD", "month").unitCents).toBe(0);
    expect(priceFor("SAFETY_BADGE", "year").unitCents).toBe(0);
    expect(CATALOGUE.PLANNER_BOARD.requires).toBe("PLANNER");
    expect(CATALOGUE.SAFETY_BADGE.requires).toBe("SAFETY");
  });

  it("only priced items become Stripe prices, and lookup keys read back", () => {
    expect(billablePrices().map((p) => p.lookupKey)).toEqual([
      "smartapp_planner_monthly",
      "smartapp_safety_monthly",
      "smartapp_planner_yearly",
      "smartapp_safety_yearly",
    ]);
    expect(priceForLookupKey("smartapp_safety_yearly")).toMatchObject({ code: "SAFETY", interval: "year" });
    expect(priceForLookupKey("someone_elses_price")).toBeUndefined();
  });
});

describe("quoteSelection", () => {
  const selection = [
    row("Harbour Tower", { planner: true, plannerBoard: true, safety: true }),
    row("Riverside Clinic", { planner: true }),
    row("Depot Upgrade", { safety: true, safetyBadge: true }),
    row("Not chosen"),
  ];

  it("groups projects under Planner and Safety with counts, names and per-group and total cents", () => {
    const quote = quoteSelection(selection, "month");
    expect(quote.groups.PLANNER.module).toMatchObject({
      projectCount: 2,
      projectNames: ["Harbour Tower", "Riverside Clinic"],
      unitCents: 29_500,
      totalCents: 59_000,
    });
    expect(quote.groups.PLANNER.addOn).toMatchObject({ projectCount: 1, projectNames: ["Harbour Tower"], totalCents: 0 });
    expect(quote.groups.SAFETY.module).toMatchObject({ projectCount: 2, totalCents: 119_000 });
    expect(quote.groups.SAFETY.addOn.projectNames).toEqual(["Depot Upgrade"]);
    expect(quote.groups.PLANNER.totalCents).toBe(59_000);
    expect(quote.totalCents).toBe(178_000);
  });

  it("bills one line item per priced module, quantity = projects", () => {
    expect(quoteSelection(selection, "year").lineItems).toEqual([
      { code: "PLANNER", lookupKey: "smartapp_planner_yearly", quantity: 2 },
      { code: "SAFETY", lookupKey: "smartapp_safety_yearly", quantity: 2 },
    ]);
    expect(quoteSelection(selection, "year").totalCents).toBe(12 * 178_000);
    expect(quoteSelection([row("Only planner", { planner: true })], "month").lineItems).toEqual([
      { code: "PLANNER", lookupKey: "smartapp_planner_monthly", quantity: 1 },
    ]);
  });

  it("quotes an empty selection as zero", () => {
    const quote = quoteSelection([], "month");
    expect(quote.totalCents).toBe(0);
    expect(quote.lineItems).toEqual([]);
    expect(quote.groups.SAFETY.module.projectCount).toBe(0);
  });

  it("refuses an add-on without its module", () => {
    expect(() => quoteSelection([row("Odd", { plannerBoard: true })], "month")).toThrow(InvalidSelectionError);
    expect(() => quoteSelection([row("Odd", { planner: true, safetyBadge: true })], "month")).toThrow(
      /Safety Badge needs Safety \(project "Odd"\)/,
    );
  });
});

describe("formatCents", () => {
  it("formats integer cents as dollars", () => {
    expect(formatCents(29_500)).toBe("$295.00");
    expect(formatCents(714_000)).toBe("$7,140.00");
    expect(formatCents(0)).toBe("$0.00");
    expect(formatCents(-1_250)).toBe("-$12.50");
  });
});
