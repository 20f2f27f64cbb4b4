"""budget_advisor: this provider's own agent. It profiles the user's workload and prices it in parallel
(usage_profiler, price_lookup), plans savings (savings_planner) and answers with quantified recommendations.

The computations are plain functions; `run_budget_advisor` drives them and streams the run's events through
`run.emit` (agent_thinking, tool_executing / tool_completed). Amounts are kept in integer cents so that the
recommendations add up to the total exactly."""

import asyncio
import random
import time

AGENT_NAME = "budget_advisor"
PRICE_LIST = "interop-2025-06"
GPU_HOUR_USD = 2.40
# Tokens one GPU hour of a self-hosted model can serve at full load (a rough planning figure).
TOKENS_PER_GPU_HOUR = 1_500_000
MAX_RECOMMENDATIONS = 12
MAX_MONTHLY_USD = 1_000_000_000_000  # the UsdAmount schema's maximum

# USD per million tokens: input, output; the discount on cached input; a cheaper model of the same family.
PRICES = {
    "gpt-4o": (2.50, 10.00, 0.50, "gpt-4o-mini"),
    "gpt-4o-mini": (0.15, 0.60, 0.50, None),
    "gpt-4.1": (2.00, 8.00, 0.75, "gpt-4.1-mini"),
    "gpt-4.1-mini": (0.40, 1.60, 0.75, "gpt-4.1-nano"),
    "gpt-4.1-nano": (0.10, 0.40, 0.75, None),
    "o3-mini": (1.10, 4.40, 0.50, "gpt-4o-mini"),
    "claude-3-opus": (15.00, 75.00, 0.90, "claude-3-5-sonnet"),
    "claude-3-5-sonnet": (3.00, 15.00, 0.90, "claude-3-5-haiku"),
    "claude-3-7-sonnet": (3.00, 15.00, 0.90, "claude-3-5-haiku"),
    "claude-3-5-haiku": (0.80, 4.00, 0.90, "claude-3-haiku"),
    "claude-3-haiku": (0.25, 1.25, 0.90, None),
    "gemini-1.5-pro": (1.25, 5.00, 0.75, "gemini-1.5-flash"),
    "gemini-1.5-flash": (0.075, 0.30, 0.75, None),
    "gemini-2.0-flash": (0.10, 0.40, 0.75, "gemini-1.5-flash"),
    "llama-3.1-405b": (3.00, 3.00, 0.50, "llama-3.1-70b"),
    "llama-3.1-70b": (0.88, 0.88, 0.50, "llama-3.1-8b"),
    "llama-3.1-8b": (0.18, 0.18, 0.50, None),
    "mistral-large": (2.00, 6.00, 0.50, "mistral-small"),
    "mistral-small": (0.20, 0.60, 0.50, None),
    "mixtral-8x7b": (0.60, 0.60, 0.50, "mistral-small"),
}

# Share of traffic a cheaper model can take, by how much the callers care about latency.
ROUTABLE_SHARE = {"low": 0.45, "medium": 0.30, "high": 0.15}

# The workload used when the request has none.
SAMPLE_WORKLOAD = {
    "workload": [
        {"model": "gpt-4o", "requests_per_month": 850_000, "avg_input_tokens": 1400, "avg_output_tokens": 300,
         "latency_sensitivity": "medium", "cache_hit_potential": 0.3},
        {"model": "claude-3-5-sonnet", "requests_per_month": 300_000, "avg_input_tokens": 2200,
         "avg_output_tokens": 550, "latency_sensitivity": "low", "batchable_share": 0.25},
        {"model": "gemini-1.5-flash", "requests_per_month": 2_000_000, "avg_input_tokens": 600,
         "avg_output_tokens": 120},
    ]
}


class RunOver(Exception):
    """Raised by run.emit once the run has ended (cancelled, drained): the agent just stops."""


def usd(cents):
    return f"${cents / 100:,.2f}"


def cents(amount):
    return int(round(amount * 100))


def token_cost(price, requests, tokens_in, tokens_out):
    p_in, p_out = price[0], price[1]
    return requests * tokens_in * p_in / 1e6, requests * tokens_out * p_out / 1e6


# ---- tools --------------------------------------------------------------------------------------------------

def usage_profiler(workload):
    """Monthly volumes per model."""
    lines = []
    for item in workload["workload"]:
        requests = item["requests_per_month"]
        lines.append({
            "model": item["model"],
            "requests_per_month": requests,
            "input_tokens_per_month": round(requests * item["avg_input_tokens"]),
            "output_tokens_per_month": round(requests * item["avg_output_tokens"]),
            "self_hosted": "gpu_hours_per_month" in item,
        })
    return {
        "models": len(lines),
        "requests_per_month": sum(line["requests_per_month"] for line in lines),
        "per_model": lines[:20],
    }


def price_lookup(workload):
    """Current monthly cost per model; raises LookupError naming the models the price list does not know."""
    unknown = sorted({item["model"] for item in workload["workload"] if item["model"] not in PRICES})
    if unknown:
        raise LookupError(unknown)
    costs = []
    for item in workload["workload"]:
        price = PRICES[item["model"]]
        if "gpu_hours_per_month" in item:
            input_usd, output_usd = 0.0, 0.0
            total = item["gpu_hours_per_month"] * GPU_HOUR_USD
        else:
            input_usd, output_usd = token_cost(price, item["requests_per_month"], item["avg_input_tokens"],
                                               item["avg_output_tokens"])
            total = input_usd + output_usd
        costs.append({"model": item["model"], "monthly_usd": total, "input_usd": input_usd, "output_usd": output_usd})
    return costs


def savings_planner(workload, costs):
    """Recommendations, each with its saving in cents, biggest first. Savings of one model are applied one after
    the other (routing, then caching, then batching, then output limits), so they never add up to more than it
    costs."""
    recs = []
    for index, (item, cost) in enumerate(zip(workload["workload"], costs)):
        model, total = item["model"], cost["monthly_usd"]
        if total <= 0:
            continue
        price = PRICES[model]
        cache = item.get("cache_hit_potential", 0.2)
        batch = item.get("batchable_share", 0.1)
        found = []
        if "gpu_hours_per_month" in item:
            tokens = item["requests_per_month"] * (item["avg_input_tokens"] + item["avg_output_tokens"])
            utilisation = tokens / max(item["gpu_hours_per_month"] * TOKENS_PER_GPU_HOUR, 1.0)
            idle = min(0.5, max(0.0, 1.0 - utilisation / 0.7))
            found.append(("right_sizing", f"Scale {model} GPUs down when idle ({round(idle * 100)}% of hours)",
                          total * idle))
            left = total * (1 - idle)
            tokens_in = item["avg_input_tokens"] / max(item["avg_input_tokens"] + item["avg_output_tokens"], 1)
            found.append(("prompt_caching", f"Turn on prefix caching for {model}", left * cache * tokens_in * 0.5))
        else:
            left = total
            cheaper = price[3]
            if cheaper:
                share = ROUTABLE_SHARE[item.get("latency_sensitivity", "medium")]
                alt_in, alt_out = token_cost(PRICES[cheaper], item["requests_per_month"], item["avg_input_tokens"],
                                             item["avg_output_tokens"])
                saving = share * max(0.0, total - alt_in - alt_out)
                found.append(("model_routing", f"Route {round(share * 100)}% of {model} requests to {cheaper}", saving))
                left -= saving
            saving = cache * cost["input_usd"] * (left / total) * price[2]
            found.append(("prompt_caching", f"Cache repeated {model} prompt prefixes", saving))
            left -= saving
            saving = batch * left * 0.5
            found.append(("batching", f"Send {round(batch * 100)}% of {model} requests through a batch API", saving))
            left -= saving
            if item["avg_output_tokens"] >= 200:
                saving = 0.12 * cost["output_usd"] * (left / total)
                found.append(("output_limits", f"Cap {model} completions with max_tokens and terser prompts", saving))
        for category, title, saving in found:
            amount = cents(saving)
            if amount > 0:
                recs.append({
                    "id": f"rec_{index + 1}_{category}",
                    "title": title[:200],
                    "category": category,
                    "model": model,
                    "estimated_monthly_savings_usd": amount / 100,
                    "_cents": amount,
                })
    recs.sort(key=lambda r: -r["_cents"])
    return recs[:MAX_RECOMMENDATIONS]


def result_of(spend_cents, recs):
    """The `result` object: the recommendations and their total, to the cent."""
    result = {
        "currency": "USD",
        "recommendations": [{k: v for k, v in r.items() if k != "_cents"} for r in recs],
        "total_estimated_monthly_savings_usd": sum(r["_cents"] for r in recs) / 100,
    }
    if spend_cents is not None:
        result["current_monthly_spend_usd"] = spend_cents / 100
    return result


def answer_text(workload, spend_cents, recs):
    """final_response: the same findings as `result`, in words, quoting every figure."""
    total = sum(r["_cents"] for r in recs)
    n_models = len(workload["workload"])
    share = f" ({total * 100 / spend_cents:.0f}% of it)" if spend_cents else ""
    lines = [
        f"Your {n_models} model{'s' if n_models != 1 else ''} cost about {usd(spend_cents)} a month on price list "
        f"{PRICE_LIST}. {len(recs)} change{'s' if len(recs) != 1 else ''} would save an estimated {usd(total)} "
        f"a month{share}:"
    ]
    for i, r in enumerate(recs, 1):
        lines.append(f"{i}. {r['title']}: {usd(r['_cents'])} a month.")
    budget = workload.get("monthly_budget_usd")
    if budget is not None:
        after = spend_cents - total
        verdict = "within" if after <= cents(budget) else "still over"
        lines.append(f"After these changes the bill would be about {usd(after)} a month, {verdict} your "
                     f"{usd(cents(budget))} budget.")
    return "\n".join(lines)


# ---- the run ------------------------------------------------------------------------------------------------

async def run_budget_advisor(run, request, think_ms, tool_ms, jitter):
    """Streams one run. `run.think`, `run.call` (returns the tool call's id), `run.done`, `run.fail` and
    `run.complete` send its events (they raise RunOver once the run has ended); `run.paced()` waits while the user
    is over the fan-out budget; `run.found` keeps what is known so far (for a cancelled run's answer)."""

    async def pause(ms):
        await asyncio.sleep(max(0.0, ms * (1 + random.uniform(-jitter, jitter))) / 1000)
        await run.paced()

    workload = request.get("context") or SAMPLE_WORKLOAD
    models = [item["model"] for item in workload["workload"]]
    requests = sum(item["requests_per_month"] for item in workload["workload"])
    source = "your workload" if request.get("context") else "the sample workload (the request had none)"

    await pause(think_ms)
    run.think(f"Reading {source}: {len(models)} model{'s' if len(models) != 1 else ''}, "
              f"{requests:,} requests a month. Profiling usage and looking up prices at the same time.")

    profile_call = run.call("usage_profiler", {"models": models[:20], "include_self_hosted": True})
    price_call = run.call("price_lookup", {"models": sorted(set(models))[:20], "price_list": PRICE_LIST})
    started = time.monotonic()
    await pause(tool_ms)
    run.done(profile_call, usage_profiler(workload), started)
    await pause(tool_ms / 2)
    try:
        costs = price_lookup(workload)
    except LookupError as err:
        unknown = err.args[0]
        names = ", ".join(f"'{m}'" for m in unknown[:5])
        run.done(price_call, {"unknown_models": unknown[:20]}, started,
                 error={"code": "UNKNOWN_MODEL", "message": f"{PRICE_LIST} has no price for {names}."})
        run.fail("INVALID_WORKLOAD", f"The workload names a model the price list does not know: {names}. "
                                     f"Known models include {', '.join(sorted(PRICES)[:8])}.", retryable=False)
        return
    spend = sum(c["monthly_usd"] for c in costs)
    if spend > MAX_MONTHLY_USD:
        run.done(price_call, {"monthly_spend_usd": None}, started,
                 error={"code": "OUT_OF_RANGE", "message": "The workload's spend is beyond what can be priced."})
        run.fail("INVALID_WORKLOAD", "The workload implies more than $1,000,000,000,000 a month.", retryable=False)
        return
    spend_cents = cents(spend)
    run.found["spend_cents"] = spend_cents
    run.done(price_call, {"price_list": PRICE_LIST, "monthly_spend_usd": spend_cents / 100,
                          "per_model_usd": {c["model"]: round(c["monthly_usd"], 2) for c in costs[:20]}}, started)

    await pause(think_ms)
    biggest = max(costs, key=lambda c: c["monthly_usd"])
    top_share = biggest["monthly_usd"] * 100 / spend if spend else 0
    run.think(f"You spend about {usd(spend_cents)} a month; {biggest['model']} is {top_share:.0f}% of it. "
              f"Planning routing, caching, batching and capacity changes.")

    plan_call = run.call("savings_planner", {"monthly_spend_usd": spend_cents / 100,
                                            "strategies": ["model_routing", "prompt_caching", "batching",
                                                           "output_limits", "right_sizing"]})
    started = time.monotonic()
    await pause(tool_ms)
    recs = savings_planner(workload, costs)
    run.found["recs"] = recs
    run.done(plan_call, {"candidates": len(recs), "total_estimated_monthly_savings_usd":
                         sum(r["_cents"] for r in recs) / 100}, started)

    await pause(think_ms)
    run.think(f"Ranking {len(recs)} change{'s' if len(recs) != 1 else ''} by monthly saving and writing up the answer.")
    await pause(think_ms / 2)
    if len(recs) >= 3:
        run.complete("success", answer_text(workload, spend_cents, recs), result_of(spend_cents, recs))
    else:
        # The contract reserves `success` for answers with at least three quantified recommendations.
        text = (f"Your workload costs about {usd(spend_cents)} a month and only {len(recs)} change"
                f"{'s' if len(recs) != 1 else ''} with a measurable saving turned up, so this answer is partial.")
        if recs:
            text += " " + " ".join(f"{r['title']}: {usd(r['_cents'])} a month." for r in recs)
        run.complete("partial", text, result_of(spend_cents, recs))


def cancelled_answer(found):
    """final_response and result of a run the user cancelled, with whatever was found so far."""
    spend = found.get("spend_cents")
    recs = found.get("recs") or []
    text = "Cancelled at your request."
    if spend is not None:
        text += f" So far: your workload costs about {usd(spend)} a month."
    if recs:
        text += f" {len(recs)} possible changes worth {usd(sum(r['_cents'] for r in recs))} a month were found."
    return text, result_of(spend, recs)
