using Condense.Graph.Dependency;

namespace Condense.Graph.Structure;

/// <summary>
/// Chooses which channels of each prunable group go, to meet a budget: uniform (the same share of
/// every group, found by bisection on the share) or global (one ranking of all channels by score
/// normalised by its group's mean — OBS scores as they are, already relative errors — removed
/// least important first). A group always keeps at
/// least one channel: a cut that would leave none is refused, as in Torch-Pruning.
/// </summary>
public static class ChannelSelection
{
    /// <summary>Per group id, the removed channel indices (ascending).</summary>
    public static IReadOnlyDictionary<int, int[]> Choose(IReadOnlyList<ChannelGroup> prunable, IReadOnlyDictionary<int, double[]> scores,
        PruningCosts costs, StructuredPruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(prunable);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(options);
        var before = Measure(costs.Total(new Dictionary<int, int>()), options.Kind);
        double channels = prunable.Sum(g => g.Width);
        double Removed(IReadOnlyDictionary<int, int> counts) =>
            options.Kind == BudgetKind.Channels ? counts.Values.Sum() / channels
            : before <= 0 ? 0 : 1 - Measure(costs.Total(counts), options.Kind) / before;
        // Groups given a share by hand take it; the others share what is left of the budget.
        var fixedCounts = prunable.Where(g => options.Shares.ContainsKey(g.Name))
            .ToDictionary(g => g.Id, g => Rounded(g.Width, (int)Math.Round(options.Shares[g.Name] * g.Width), options.RoundTo));
        var free = prunable.Where(g => !fixedCounts.ContainsKey(g.Id)).ToList();
        double RemovedWith(IReadOnlyDictionary<int, int> counts) => Removed(counts.Concat(fixedCounts).ToDictionary());
        var counts = free.Count == 0 || RemovedWith(new Dictionary<int, int>()) >= options.Fraction ? free.ToDictionary(g => g.Id, _ => 0)
            : options.Scope == BudgetScope.Uniform
            ? Uniform(free, options.Fraction, options.RoundTo, RemovedWith)
            : Global(free, Weighted(free, scores, costs, options.Scope), options.Fraction, RemovedWith,
                normalise: options.Scope == BudgetScope.Global && options.Importance != ChannelImportance.Obs);
        if (options.Scope != BudgetScope.Uniform && options.RoundTo > 1)
            foreach (var g in free) counts[g.Id] = Rounded(g.Width, counts[g.Id], options.RoundTo);
        foreach (var (id, count) in fixedCounts) counts[id] = count;
        return counts.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => Lowest(scores[p.Key], p.Value));
    }

    /// <summary>
    /// Per attention-head group, its <paramref name="share"/> of heads (rounded, at least one kept)
    /// with the lowest scores: every attention block loses the same number of heads, as uniform
    /// head pruning does (Michel et al. 2019 prune globally; per block keeps every layer usable).
    /// </summary>
    public static IReadOnlyDictionary<int, int[]> ChooseHeads(IReadOnlyList<ChannelGroup> headGroups, IReadOnlyDictionary<int, double[]> scores, double share)
    {
        ArgumentNullException.ThrowIfNull(headGroups);
        ArgumentNullException.ThrowIfNull(scores);
        if (share <= 0) return new Dictionary<int, int[]>();
        return headGroups.Select(g => (g.Id, Count: Math.Min(g.Width - 1, (int)Math.Round(share * g.Width))))
            .Where(x => x.Count > 0).ToDictionary(x => x.Id, x => Lowest(scores[x.Id], x.Count));
    }

    /// <summary>For <see cref="BudgetScope.PerFlop"/>: each score over the FLOPs one channel of its group saves.</summary>
    static IReadOnlyDictionary<int, double[]> Weighted(IReadOnlyList<ChannelGroup> prunable, IReadOnlyDictionary<int, double[]> scores,
        PruningCosts costs, BudgetScope scope)
    {
        if (scope != BudgetScope.PerFlop) return scores;
        var before = costs.Total(new Dictionary<int, int>()).Flops;
        return prunable.ToDictionary(g => g.Id, g =>
        {
            var saved = Math.Max(before - costs.Total(new Dictionary<int, int> { [g.Id] = 1 }).Flops, 1);
            return scores[g.Id].Select(v => v / saved).ToArray();
        });
    }

    static double Measure((double Flops, double Parameters) c, BudgetKind kind) => kind == BudgetKind.Flops ? c.Flops : c.Parameters;

    /// <summary>The removal count nearest <paramref name="count"/> that leaves a multiple of <paramref name="roundTo"/> (at least one channel).</summary>
    static int Rounded(int width, int count, int roundTo)
    {
        if (roundTo <= 1 || width <= roundTo) return Math.Min(width - 1, count);
        var kept = (int)Math.Round((width - count) / (double)roundTo) * roundTo;
        return width - Math.Clamp(kept, roundTo, width);
    }

    static Dictionary<int, int> Uniform(IReadOnlyList<ChannelGroup> groups, double target, int roundTo, Func<IReadOnlyDictionary<int, int>, double> removed)
    {
        Dictionary<int, int> At(double share) => groups.ToDictionary(g => g.Id, g => Rounded(g.Width, (int)Math.Round(share * g.Width), roundTo));
        double lo = 0, hi = 1;
        for (int i = 0; i < 40; i++)
        {
            var mid = (lo + hi) / 2;
            if (removed(At(mid)) >= target) hi = mid; else lo = mid;
        }
        return At(hi);
    }

    static Dictionary<int, int> Global(IReadOnlyList<ChannelGroup> groups, IReadOnlyDictionary<int, double[]> scores, double target,
        Func<IReadOnlyDictionary<int, int>, double> removed, bool normalise)
    {
        // OBS scores are already relative output errors, comparable across groups; others by their group's mean.
        var ranked = groups.SelectMany(g =>
        {
            var s = scores[g.Id];
            var mean = normalise ? Math.Max(s.Average(), 1e-30) : 1;
            return s.Select(v => (Group: g.Id, Score: v / mean));
        }).OrderBy(x => x.Score).ToList();
        var counts = groups.ToDictionary(g => g.Id, _ => 0);
        var width = groups.ToDictionary(g => g.Id, g => g.Width);
        foreach (var (group, _) in ranked)
        {
            if (removed(counts) >= target) break;
            if (counts[group] + 1 >= width[group]) continue;
            counts[group]++;
        }
        return counts;
    }

    static int[] Lowest(double[] scores, int count) =>
        scores.Select((s, i) => (s, i)).OrderBy(x => x.s).ThenBy(x => x.i).Take(count).Select(x => x.i).Order().ToArray();
}
