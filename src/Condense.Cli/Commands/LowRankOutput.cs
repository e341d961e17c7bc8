using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using Condense.Workflows;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense lowrank MODEL --ranks r -o FILE</c>: the factorised network (the layer as its rank-r
/// factors, the SVD the sweep used) as a file <c>condense eval</c> reads; with <c>--plus-sparse F</c>
/// the L + S network instead.
/// </summary>
static class LowRankOutput
{
    public static void Write(System.CommandLine.ParseResult parse, string input, MlpModel net, string layer, int[] ranks, SparseBudget? budget,
        RandomizedSvdOptions? randomized, string path, string dataSet)
    {
        if (ranks.Length != 1)
            throw new CondenseException("lowrank: --output writes one network; give exactly one rank in --ranks");
        OutputPath.RefuseOverwrite(input, path);
        string note;
        if (budget is { } b)
        {
            var (model, error) = LowRankPlusSparseModel.Build(net, layer, ranks[0], b);
            using (model) ModelFiles.Save(path, model, new ModelCard(dataSet));
            note = $"{layer} as rank {ranks[0]} + S ({b}), rel. Frobenius err {error:F4}";
        }
        else
        {
            using var model = FactorizedModel.FromDense(net, FactorizedModel.OneLayer(net, layer, ranks[0]), randomized);
            ModelFiles.Save(path, model, new ModelCard(dataSet));
            note = $"{layer} as its rank-{ranks[0]} factors ({model.ParameterCount:N0} parameters)";
        }
        if (!parse.GetValue<bool>("--json"))
            parse.InvocationConfiguration.Output.WriteLine($"wrote {path}: {note}");
    }
}
