using System.Globalization;
using Condense.LowRank;
using Spectre.Console;

namespace Condense.Cli.Reports;

/// <summary>A rank sweep as a table (<c>lowrank --sweep</c>, <c>study rank</c>).</summary>
public static class RankSweepView
{
    /// <summary>One row per rank; with a sparse budget, an "r + S" row under each (parameters r(m + n) + s, × smaller by bytes with int32 indices).</summary>
    public static Table Table(RankSweepResult sweep)
    {
        var table = new Table().AddColumns("rank", "parameters", "× smaller", "energy kept", "rel. spectral err", "rel. Frobenius err", sweep.FullAccuracy is null ? "test loss" : "test accuracy");
        foreach (var p in sweep.Points)
        {
            table.AddRow(p.Rank.ToString(CultureInfo.InvariantCulture), p.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                p.TimesSmaller.ToString("F2", CultureInfo.InvariantCulture) + (p.Compresses ? "" : " (none)"),
                p.EnergyKept.ToString("F4", CultureInfo.InvariantCulture), p.RelativeSpectralError.ToString("F4", CultureInfo.InvariantCulture),
                p.RelativeFrobeniusError.ToString("F4", CultureInfo.InvariantCulture), Score(p.TestAccuracy, p.TestLoss));
            if (p.PlusSparse is { } s)
                table.AddRow($"{p.Rank.ToString(CultureInfo.InvariantCulture)} + S", s.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                    s.TimesSmaller.ToString("F2", CultureInfo.InvariantCulture) + (s.Compresses ? "" : " (none)"), "—",
                    s.RelativeSpectralError.ToString("F4", CultureInfo.InvariantCulture), s.RelativeFrobeniusError.ToString("F4", CultureInfo.InvariantCulture),
                    Score(s.TestAccuracy, s.TestLoss));
        }
        return table;
    }

    static string Score(double? accuracy, double loss) =>
        accuracy is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) : loss.ToString("F5", CultureInfo.InvariantCulture);
}
