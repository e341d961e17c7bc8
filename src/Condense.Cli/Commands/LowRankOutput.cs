using Condense.LowRank;
using Condense.Models;

namespace Condense.Cli.Commands;

/// <summary><c>condense lowrank --plus-sparse F --ranks r -o FILE</c>: the L + S network as a file.</summary>
static class LowRankOutput
{
    public static void WritePlusSparse(System.CommandLine.ParseResult parse, MlpModel net, string layer, int[] ranks, SparseBudget? budget, string path, string dataSet)
    {
        if (budget is not { } b || ranks.Length != 1)
            throw new CondenseException("lowrank: --output writes the L + S network; give --plus-sparse and exactly one rank in --ranks");
        var (model, error) = LowRankPlusSparseModel.Build(net, layer, ranks[0], b);
        using (model) StructuredModelFile.Save(path, model, new ModelCard(dataSet));
        if (!parse.GetValue<bool>("--json"))
            parse.InvocationConfiguration.Output.WriteLine($"wrote {path}: {layer} as rank {ranks[0]} + S ({b}), rel. Frobenius err {error:F4}");
    }
}
