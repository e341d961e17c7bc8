using Condense.Models;
using Condense.Models.Cnn;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// Where page 8's trained network lives between runs: one Condense model file in the Studio's
/// cache folder, named by everything that decides its weights (configuration, epochs, λ, seed).
/// A file that cannot be read (or is not the expected network) is logged and trained again.
/// </summary>
internal sealed class ConvLayersModelCache(string directory, int seed)
{
    /// <summary>The model file's path.</summary>
    public string Path => System.IO.Path.Combine(directory, string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"conv-vgg-{ConvLayersService.Config.Replace(",M", "m", StringComparison.Ordinal).Replace(',', '-')}-mnist10k-seed{seed}-e{ConvLayersService.Epochs}-lambda{ConvLayersService.Lambda}-gamma{ConvLayersService.InitialGamma}.safetensors"));

    /// <summary>The cached network in evaluation mode, or null when there is none usable.</summary>
    public VggNet? TryLoad(Action<string> progress, ILogger logger)
    {
        if (!File.Exists(Path)) return null;
        try
        {
            progress("loading the cached network");
            var (model, _) = CnnModelFile.Load(Path);
            if (model is VggNet { Config: ConvLayersService.Config } net) return net;
            model.Dispose();
            logger.LogWarning("studio: cached conv network {Path} is not a VGG {Config}, training again", Path, ConvLayersService.Config);
        }
        catch (CondenseException ex)
        {
            logger.LogWarning("studio: cached conv network unusable, training again: {Message}", ex.Message);
        }
        return null;
    }

    /// <summary>Writes the trained network with its card.</summary>
    public void Save(VggNet net, TrainingOptions settings, Evaluation final)
    {
        Directory.CreateDirectory(directory);
        ModelFile.Save(Path, net, new ModelCard(Condense.Data.DataSets.Mnist10k, settings, final));
    }
}
