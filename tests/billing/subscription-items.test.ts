import { describe, expect, it } from "vitest";
import { billedQuantities, planItems, type BilledItem } from "@/lib/billing/subscription-items";

const priceIdOf = (lookupKey: string) => `price_${lookupKey}`;
const planner = (quantity: number): BilledItem => ({ id: "si_planner", lookupKey: "smartapp_planner_monthly", quantity });
const safety = (quantity: number): BilledItem => ({ id: "si_safety", lookupKey: "smartapp_safety_monthly", quantity });

describe("billedQuantities", () => {
  it("counts projects per priced module in the subscription's interval; the $0 add-ons are not billed", () => {
    const licences = [
      { module: "PLANNER", addOn: true },
      { module: "PLANNER", addOn: false },
      { module: "SAFETY", addOn: true },
    ] as const;
    expect(billedQuantities(licences, "month")).toEqual(
      new Map([
        ["smartapp_planner_monthly", 2],
        ["smartapp_safety_monthly", 1],
      ]),
    );
    expect([...billedQuantities(licences, "year").keys()]).toEqual(["smartapp_planner_yearly", "smartapp_safety_yearly"]);
    expect(billedQuantities([], "month").size).toBe(0);
  });
});

describe("planItems", () => {
  it("sets a changed quantity absolutely, and sends nothing when Stripe already bills the licences", () => {
    const wanted = new Map([["smartapp_planner_monthly", 3]]);
    expect(planItems([planner(2)], wanted, priceIdOf)).toEqual({ cancel: false, items: [{ id: "si_planner", quantity: 3 }] });
    expect(planItems([planner(3)], wanted, priceIdOf)).toEqual({ cancel: false, items: [] });
  });

  it("adds an item for a module the subscription lacks and deletes one nobody has any more", () => {
    const wanted = new Map([["smartapp_safety_monthly", 1]]);
    expect(planItems([planner(1)], wanted, priceIdOf)).toEqual({
      cancel: false,
      items: [
        { id: "si_planner", deleted: true },
        { price: "price_smartapp_safety_monthly", quantity: 1 },
      ],
    });
    expect(planItems([planner(1), safety(1)], wanted, priceIdOf)).toEqual({ cancel: false, items: [{ id: "si_planner", deleted: true }] });
  });

  it("ends the subscription when nothing is left to bill, but never touches prices outside the catalogue", () => {
    expect(planItems([planner(1), safety(2)], new Map(), priceIdOf)).toEqual({ cancel: true });
    const foreign: BilledItem = { id: "si_support", lookupKey: "premium_support", quantity: 1 };
    expect(planItems([planner(1), foreign], new Map(), priceIdOf)).toEqual({ cancel: false, items: [{ id: "si_planner", deleted: true }] });
    expect(planItems([{ ...foreign, lookupKey: null }], new Map([["smartapp_planner_monthly", 1]]), priceIdOf)).toEqual({
      cancel: false,
      items: [{ price: "price_smartapp_planner_monthly", quantity: 1 }],
    });
  });
});
