using Condense.Analysis;
using Condense.Formats.Onnx;

namespace Condense.Workflows;

/// <summary>
/// The last step of a byte-budget plan: spend what the re-plan rounds left under the budget. A round over the budget
/// shrinks the target by its overshoot (a shared decoding table the layers' bytes do not count), so the first choice
/// that fits can sit kilobytes under it — on the MNIST classifier 14.7 KB of 919,822 stayed unused. Here the target
/// grows by the slack the built file shows (its real bytes, not the sum of the layers') and the planner runs again;
/// a choice is taken only when its built file still fits and its predicted error is lower, so the plan never gets worse.
/// </summary>
internal static class ByteBudgetFill
{
    /// <summary>Rounds of growing the target; each costs a planner run and one build.</summary>
    const int MaxRounds = 6;

    /// <summary>The best choice found and its built model (the one given when nothing better fits), and the rounds spent.</summary>
    public static (int[] Choice, OnnxCompressionResult Built, int Rounds) Spend(double[][] errors, long[][] bytes, bool[][] allowed,
        int[] choice, OnnxCompressionResult built, long maxBytes, Func<int[], OnnxCompressionResult> build)
    {
        var best = (Choice: choice, Built: built);
        int rounds = 0;
        // Predicted layer bytes to try next: the best's plus the slack its file leaves.
        var target = LayerBudgetPlanner.Bytes(bytes, choice) + (maxBytes - built.ModelBytesAfter);
        while (rounds < MaxRounds && target > LayerBudgetPlanner.Bytes(bytes, best.Choice) && maxBytes - best.Built.ModelBytesAfter >= 64)
        {
            var next = LayerBudgetPlanner.WithinBytes(errors, bytes, allowed, target);
            if (next is null || next.SequenceEqual(best.Choice)
                || LayerBudgetPlanner.Predicted(errors, next) >= LayerBudgetPlanner.Predicted(errors, best.Choice)) break;
            rounds++;
            var result = build(next);
            var over = result.ModelBytesAfter - maxBytes;
            if (over <= 0)
            {
                best = (next, result);
                target = LayerBudgetPlanner.Bytes(bytes, next) + (maxBytes - result.ModelBytesAfter);
            }
            else target = Math.Min(target, LayerBudgetPlanner.Bytes(bytes, next)) - over - 64;
        }
        return (best.Choice, best.Built, rounds);
    }
}
