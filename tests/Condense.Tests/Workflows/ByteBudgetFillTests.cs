using Condense.Formats.Onnx;
using Condense.Workflows;
using Onnx;
using Xunit;

namespace Condense.Tests.Workflows;

/// <summary>The byte plan's last step spends what its re-plan rounds left under the budget, never past it and never for a worse plan.</summary>
public sealed class ByteBudgetFillTests
{
    // Two layers, each float32 (error 0) or three smaller settings; the file costs the layers' bytes plus 1,000 fixed and,
    // for any layer at setting 2, an 800-byte shared table the layers' bytes do not count.
    static readonly double[][] Errors = [[0, 0.10, 0.05, 0.02], [0, 0.08, 0.04, 0.01]];
    static readonly long[][] Bytes = [[10_000, 2_000, 3_000, 4_000], [10_000, 2_000, 3_000, 4_000]];
    static readonly bool[][] Allowed = [[true, true, true, true], [true, true, true, true]];

    static OnnxCompressionResult Build(int[] choice) =>
        new(new ModelProto(), [], 0, 1_000 + Bytes[0][choice[0]] + Bytes[1][choice[1]] + (choice.Contains(2) ? 800 : 0), false);

    [Fact]
    public void Spend_UsesTheSlackLeftUnderTheBudgetWhereTheBuiltFileFits()
    {
        // Rounds left [1, 1] (5,000 bytes) under a 9,000-byte budget: 4,000 bytes unused.
        var (choice, built, rounds) = ByteBudgetFill.Spend(Errors, Bytes, Allowed, [1, 1], Build([1, 1]), 9_000, Build);
        // Within 8,000 layer bytes the best is [3, 3] (0.02² + 0.01²): 9,000 bytes built, exactly the budget.
        Assert.Equal([3, 3], choice);
        Assert.Equal(9_000, built.ModelBytesAfter);
        Assert.InRange(rounds, 1, 6);
    }

    [Fact]
    public void Spend_NeverGoesOverTheBudgetAndKeepsTheGivenChoiceWhenNothingBetterFits()
    {
        // Budgets where the planner's first pick for the slack builds over (the table): it must step back to one that fits.
        foreach (var max in new long[] { 5_000, 6_500, 7_900, 8_100, 8_700 })
        {
            var (choice, built, _) = ByteBudgetFill.Spend(Errors, Bytes, Allowed, [1, 1], Build([1, 1]), max, Build);
            Assert.True(built.ModelBytesAfter <= max, $"{max}: built {built.ModelBytesAfter}");
            Assert.Equal(Build(choice).ModelBytesAfter, built.ModelBytesAfter);
            // The best any choice that fits reaches, by brute force over the 16 choices.
            var best = Enumerable.Range(0, 16).Select(i => new[] { i / 4, i % 4 }).Where(c => Build(c).ModelBytesAfter <= max)
                .Min(c => Errors[0][c[0]] * Errors[0][c[0]] + Errors[1][c[1]] * Errors[1][c[1]]);
            var got = Errors[0][choice[0]] * Errors[0][choice[0]] + Errors[1][choice[1]] * Errors[1][choice[1]];
            Assert.True(got <= 0.10 * 0.10 + 0.08 * 0.08, $"{max}: worse than the choice given");
            Assert.Equal(best, got, 12);
        }
    }
}
