using Condense.LowRank;
using Condense.LowRank.TensorTrain;
using Condense.Models;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.Cli.Demo;

/// <summary>
/// The survey's cheaper additions on the trained classifier, each written as a file the runner
/// measures: fc2 in tensor-train format (TT-SVD, then one epoch of fine-tuning with the cores
/// trained; TT-SVD alone with <c>--quick</c>), fc2 as rank 50 + 1 % sparse (GoDec), and every
/// layer quantized to 4 bits after outlier channel splitting (the widened layers' function, folded
/// to float32). Multi-hashing trains networks for minutes and is measured by
/// <c>condense hash --sweep</c> instead; data-free distillation has its own short stage (<see cref="DataFreeStage"/>).
/// </summary>
public sealed class StructuredStage : IDemoStage
{
    public string Name => "structured";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        var net = c.Model.Net;
        if (!net.IsClassifier || net.Sizes.Count != 4 || net.Sizes[1] != 1000 || net.Sizes[2] != 1000) yield break;

        var shape = TensorTrainShape.Uniform(1000, 1000, 3, 12);
        var fineTune = c.Options.Quick ? null : new TrainingOptions { Epochs = 1, Seed = 0, LearningRate = 1e-3 };
        var (tt, _) = TensorTrainCompression.Run(net, "fc2", shape, c.Train, c.Test, fineTune);
        var ttPath = Path.Combine(c.Options.Folder, $"{c.Model.Name}.tt12.safetensors");
        using (tt) StructuredModelFile.Save(ttPath, tt);
        yield return new DemoArtifact("tensor train", $"fc2 as TT 10·10·10, ranks 1,12,12,1 ({shape.CompressionFactor:F0}× fewer){(fineTune is null ? ", TT-SVD only" : ", fine-tuned 1 epoch")}", ttPath);

        var (lps, _) = LowRankPlusSparseModel.Build(net, "fc2", 50, SparseBudget.OfFraction(0.01));
        var lpsPath = Path.Combine(c.Options.Folder, $"{c.Model.Name}.lps50.safetensors");
        using (lps) StructuredModelFile.Save(lpsPath, lps);
        yield return new DemoArtifact("low rank + sparse", "fc2 at rank 50 + 1 % sparse (GoDec)", lpsPath);

        var ocsPath = Path.Combine(c.Options.Folder, $"{c.Model.Name}.ocs4.safetensors");
        using (var copy = new MlpModel(net.Kind, net.Sizes, net.Dropout, net.Normalization))
        {
            using (no_grad())
            {
                for (var i = 0; i < net.Layers.Count; i++)
                {
                    var w = net.Layers[i].Layer.weight!;
                    using var cpu = w.detach().contiguous();
                    var (folded, _) = OcsComparison.Quantize(cpu.data<float>().ToArray(), (int)w.shape[0], (int)w.shape[1], 4, 0.02, clip: false);
                    using var src = tensor(folded, w.shape);
                    copy.Layers[i].Layer.weight!.copy_(src);
                    copy.Layers[i].Layer.bias!.copy_(net.Layers[i].Layer.bias!);
                }
            }
            ModelFile.Save(ocsPath, copy);
        }
        yield return new DemoArtifact("outlier channel splitting", "4-bit symmetric linear, 2 % of input channels split (folded to float32)", ocsPath);
    }
}
