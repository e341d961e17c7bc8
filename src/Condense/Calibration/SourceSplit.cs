namespace Condense.Calibration;

/// <summary>
/// The deterministic calibration / held-out split, made over sources (photos, sentences, array
/// rows) before anything is augmented, so no held-out sample shares a source with calibration.
/// </summary>
/// <param name="Calibration">Source indices to calibrate on, ascending.</param>
/// <param name="HeldOut">Source indices held out, ascending.</param>
public sealed record SourceSplit(int[] Calibration, int[] HeldOut)
{
    /// <summary>
    /// Chooses at most <paramref name="count"/> of <paramref name="sources"/> sources by a seeded
    /// shuffle and holds out round(<paramref name="heldOutFraction"/> × chosen) of them, at least
    /// one when the fraction is positive and two or more are chosen, never all of them.
    /// </summary>
    public static SourceSplit Make(int sources, int count, double heldOutFraction, int seed)
    {
        if (sources < 0) throw new ArgumentOutOfRangeException(nameof(sources));
        var order = Enumerable.Range(0, sources).ToArray();
        var random = new Random(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = Math.Min(sources, Math.Max(count, 0));
        var held = HeldOutCount(chosen, heldOutFraction);
        return new SourceSplit(order.Skip(held).Take(chosen - held).Order().ToArray(), order.Take(held).Order().ToArray());
    }

    /// <summary>How many of <paramref name="n"/> items are held out at <paramref name="fraction"/>.</summary>
    public static int HeldOutCount(int n, double fraction)
    {
        if (n < 2 || fraction <= 0) return 0;
        var k = (int)Math.Round(n * fraction, MidpointRounding.AwayFromZero);
        return Math.Clamp(k, 1, n - 1);
    }
}
