using System.Text.Json;
using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Cli;

/// <summary><c>condense lowrank --plus-sparse</c>: its JSON rows are what the library computes.</summary>
public class LowRankPlusSparseCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-lowrank-lps-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PlusSparseJsonRowAgreesWithTheLibrary()
    {
        var path = Path.Combine(_dir, "lenet.safetensors");
        var (code, _, stderr) = CliHarness.Run("train", "--model", "lenet300", "--epochs", "1", "--seed", "3", "-o", path);
        Assert.True(code == 0, stderr);
        var plot = Path.Combine(_dir, "acc.png");
        (code, var stdout, stderr) = CliHarness.Run("lowrank", path, "--layer", "fc2", "--ranks", "5,20", "--plus-sparse", "0.02", "--plot", plot, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(plot)[..4]);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0.02, root.GetProperty("plus_sparse_fraction").GetDouble());
        var points = root.GetProperty("points").EnumerateArray().ToArray();
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("600 entries"));

        var (model, card) = ModelFile.Load(path);
        using var _ = model;
        var (_, test) = DataSets.Load(card.DataSet ?? DataSets.Mnist10k);
        using var scope = NewDisposeScope();
        var weight = RankSweep.FindLayer(model, "fc2").weight!;
        var original = weight.detach().clone();
        for (int i = 0; i < 2; i++)
        {
            int r = i == 0 ? 5 : 20;
            var row = points[i].GetProperty("plus_sparse");
            using var split = LowRankPlusSparse.Compute(original, r, SparseBudget.OfFraction(0.02));
            Assert.Equal(split.SparseCount, row.GetProperty("sparse_count").GetInt64());
            Assert.Equal(r * 400 + 600, row.GetProperty("parameters").GetInt64());
            Assert.Equal(split.StorageBytes, row.GetProperty("storage_bytes").GetInt64());
            Assert.Equal(split.CompactStorageBytes, row.GetProperty("compact_storage_bytes").GetInt64());
            Assert.Equal(split.Iterations, row.GetProperty("iterations").GetInt32());
            Assert.Equal(split.RelativeFrobeniusError, row.GetProperty("relative_frobenius_error").GetDouble(), 12);
            Assert.Equal(split.RelativeSpectralError, row.GetProperty("relative_spectral_error").GetDouble(), 12);
            Assert.True(split.RelativeFrobeniusError < points[i].GetProperty("relative_frobenius_error").GetDouble());
            // The same bytes spent on rank: (r·400 + 600)·4 + 600·4 bytes over 400·4 bytes per rank.
            int equalRank = (r * 400 * 4 + 600 * 8) / 1600;
            Assert.Equal(equalRank, row.GetProperty("equal_storage_rank").GetInt32());
            using (var plain = TruncatedSvd.Compute(original, equalRank))
            {
                Assert.Equal(plain.RelativeFrobeniusError, row.GetProperty("equal_storage_relative_frobenius_error").GetDouble(), 12);
                Assert.Equal(plain.RelativeSpectralError!.Value, row.GetProperty("equal_storage_relative_spectral_error").GetDouble(), 12);
            }
            using (no_grad()) weight.copy_(split.Reconstruct());
            Assert.Equal(Evaluator.Evaluate(model, test).Accuracy!.Value, row.GetProperty("test_accuracy").GetDouble(), 12);
            using (no_grad()) weight.copy_(original);
        }
    }

    [Fact]
    public void ABadFractionIsOneLine()
    {
        // The budget is checked before the model is even read.
        var (code, _, stderr) = CliHarness.Run("lowrank", Path.Combine(_dir, "missing.safetensors"), "--plus-sparse", "1.5");
        Assert.Equal(1, code);
        Assert.Contains("sparse fraction 1.5 must be in [0, 1)", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
