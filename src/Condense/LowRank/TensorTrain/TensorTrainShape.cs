using System.Globalization;

namespace Condense.LowRank.TensorTrain;

/// <summary>
/// How an out × in weight matrix is tensorised (Novikov et al., "Tensorizing Neural Networks",
/// NeurIPS 2015, §3): out = Π mₖ and in = Π nₖ over d modes, and the TT-ranks r₀ = 1, r₁ … r_{d−1},
/// r_d = 1. Core k is r_{k−1} × mₖ × nₖ × rₖ, so the layer stores Σₖ r_{k−1}·mₖ·nₖ·rₖ numbers
/// instead of out·in: for a 1000×1000 matrix with modes 10·10·10 and ranks 1, 12, 12, 1 that is
/// 16,800, 59.5× fewer.
/// </summary>
public sealed record TensorTrainShape
{
    /// <summary>Validates the modes and ranks (d ≤ 16 modes, r₀ = r_d = 1, every rank ≥ 1) and throws a <see cref="CondenseException"/> quoting the first that is not.</summary>
    public TensorTrainShape(IReadOnlyList<int> outModes, IReadOnlyList<int> inModes, IReadOnlyList<int> ranks)
    {
        if (outModes.Count is < 1 or > 16 || inModes.Count != outModes.Count)
            throw new CondenseException($"tensor train: {outModes.Count} output modes and {inModes.Count} input modes must be equal in number (1–16)");
        if (ranks.Count != outModes.Count + 1 || ranks[0] != 1 || ranks[^1] != 1)
            throw new CondenseException($"tensor train: ranks [{Join(ranks)}] must be d + 1 = {outModes.Count + 1} numbers starting and ending with 1");
        if (outModes.Concat(inModes).Concat(ranks).Any(v => v is < 1 or > 1 << 16))
            throw new CondenseException($"tensor train: modes [{Join(outModes)}]×[{Join(inModes)}] and ranks [{Join(ranks)}] must be in 1–65536");
        OutModes = outModes.ToArray();
        InModes = inModes.ToArray();
        Ranks = ranks.ToArray();
        OutFeatures = checked((int)OutModes.Aggregate(1L, (a, b) => a * b));
        InFeatures = checked((int)InModes.Aggregate(1L, (a, b) => a * b));
    }

    /// <summary>The output modes m₁ … m_d whose product is the layer's output width.</summary>
    public IReadOnlyList<int> OutModes { get; }
    /// <summary>The input modes n₁ … n_d whose product is the layer's input width.</summary>
    public IReadOnlyList<int> InModes { get; }
    /// <summary>The TT-ranks r₀ = 1, r₁ … r_{d−1}, r_d = 1: they set the size and the accuracy.</summary>
    public IReadOnlyList<int> Ranks { get; }
    /// <summary>Output width, Π mₖ.</summary>
    public int OutFeatures { get; }
    /// <summary>Input width, Π nₖ.</summary>
    public int InFeatures { get; }
    /// <summary>Number of modes d (and of cores).</summary>
    public int Order => OutModes.Count;

    /// <summary>Core k's shape: r_{k−1} × mₖ × nₖ × rₖ.</summary>
    public long[] CoreShape(int k) => [Ranks[k], OutModes[k], InModes[k], Ranks[k + 1]];

    /// <summary>Σₖ r_{k−1}·mₖ·nₖ·rₖ: the numbers the cores hold (no bias).</summary>
    public long ParameterCount => Enumerable.Range(0, Order).Sum(k => CoreShape(k).Aggregate(1L, (a, b) => a * b));

    /// <summary>out·in / <see cref="ParameterCount"/>.</summary>
    public double CompressionFactor => (double)OutFeatures * InFeatures / ParameterCount;

    /// <summary>Equal modes d each way with one inner rank r: e.g. (1000, 1000, d = 3, r = 12) → 10·10·10, ranks 1,12,12,1.</summary>
    public static TensorTrainShape Uniform(int outFeatures, int inFeatures, int order, int rank)
    {
        int[] Modes(int n)
        {
            var m = (int)Math.Round(Math.Pow(n, 1.0 / order));
            if (m < 1 || Enumerable.Repeat(m, order).Aggregate(1L, (a, b) => a * b) != n)
                throw new CondenseException($"tensor train: {n} is not a {order}-th power; give the modes explicitly");
            return Enumerable.Repeat(m, order).ToArray();
        }
        var ranks = Enumerable.Range(0, order + 1).Select(k => k == 0 || k == order ? 1 : rank).ToArray();
        return new TensorTrainShape(Modes(outFeatures), Modes(inFeatures), ranks);
    }

    /// <summary>"10x10x10|10x10x10|1,12,12,1" (out modes | in modes | ranks): how files name the shape.</summary>
    public override string ToString() =>
        $"{string.Join("x", OutModes)}|{string.Join("x", InModes)}|{Join(Ranks)}";

    /// <summary>Parses <see cref="ToString"/>'s form.</summary>
    public static TensorTrainShape Parse(string text)
    {
        var parts = text.Split('|');
        if (parts.Length != 3) throw new CondenseException($"tensor train shape '{text}' is not OUT|IN|RANKS");
        static int[] Ints(string s, char sep) => s.Split(sep).Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x
            : throw new CondenseException($"tensor train shape: '{v}' is not a whole number")).ToArray();
        return new TensorTrainShape(Ints(parts[0], 'x'), Ints(parts[1], 'x'), Ints(parts[2], ','));
    }

    static string Join(IEnumerable<int> v) => string.Join(",", v);
}
