using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Tests.Workflows;
using Condense.Workflows;
using Google.Protobuf;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>
/// Split ("g3+50") and drop ("g4z10") settings on a Conv of one group, through the analysis: its columns are the
/// unfolded matrix's in the weight's own order (an input channel that is always dark drops exactly its own kh·kw
/// columns), the written file decodes to the values measured, ONNX Runtime's output of the file is the figure
/// analysed, the bytes are the file's, and a depthwise Conv is not offered the settings.
/// </summary>
public sealed class ConvColumnDropTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("condense-convdrop-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    const int DarkChannel = 2, Taps = 9, Columns = 8 * Taps;

    [Fact]
    public void ConvSplitAndDrop_WrittenFileIsTheAnalysedOne()
    {
        var path = Path.Combine(folder, "convs.onnx");
        OnnxWriter.Write(path, TinyOnnxModels.ConvThenDepthwise());
        var rng = new Random(7);
        List<IReadOnlyList<TensorProto>> Samples(int n) => [.. Enumerable.Range(0, n).Select(_ => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("x",
            [.. Enumerable.Range(0, 8 * 64).Select(i => i / 64 == DarkChannel ? 0f : (float)(rng.NextDouble() * 2 - 1))], [1, 8, 8, 8])])];
        var data = new CalibrationData(Samples(24), Samples(6), "uniform inputs, channel 2 dark", false);
        var settings = new[] { "g4", "g3+50", "g4z10" }.Select(QuantizationSetting.Parse).ToList();
        var (report, candidates) = OnnxAnalysis.Analyze(new OnnxAnalysisRequest(path, data, settings, SensitivitySamples: 4, MinSize: 16));
        using (candidates)
        {
            Assert.Equal(["full.w", "dw.w"], candidates.Layers.Select(l => l.Weight));
            int g4 = 1, split = 2, drop = 3;
            var dark = Enumerable.Range(DarkChannel * Taps, Taps).ToArray();
            var live = Enumerable.Range(0, Columns).Except(dark).ToArray();

            // The dark channel's 9 columns (c·kh·kw + tap) are the ones without calibration input: H's order is the weight's.
            var dropped = candidates.Encodings[0][drop]!;
            Assert.Equal(live, dropped.KeptColumns);
            Assert.Equal(4, dropped.Grid!.Bits);
            // The split: the dark columns dropped, round(63 / 2) = 32 live columns at 4 bits, the other 31 at 3.
            var parts = candidates.Encodings[0][split]!;
            Assert.Equal((3, 31), (parts.Grid!.Bits, parts.KeptColumns!.Count));
            Assert.Equal((4, 32), (parts.Extra!.Grid!.Bits, parts.Extra.KeptColumns!.Count));
            Assert.Equal(live, parts.KeptColumns.Concat(parts.Extra.KeptColumns).Order());

            foreach (var s in new[] { split, drop })
            {
                var label = settings[s - 1].Label;
                var values = candidates.Encodings[0][s]!.Decoded();
                for (int r = 0; r < 32; r++)
                    foreach (var j in dark) Assert.Equal(0f, values[r * Columns + j]);
                var choice = new[] { s, 0 };
                var compressed = candidates.Compress(choice);

                // (a) The written file's conv weight, decoded by ONNX Runtime, is the Ŵ the analysis measured.
                var probe = compressed.Model.Clone();
                probe.Graph.Output.Add(new ValueInfoProto { Name = "full.w", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
                using (var runner = new OnnxRuntimeRunner(probe.ToByteArray(), label))
                {
                    var decoded = runner.Run(data.HeldOut[0])[1];
                    Assert.Equal([32L, 8, 3, 3], decoded.Dims.ToArray());
                    Assert.Equal(values, OnnxTensorData.ToFloat32(decoded));
                }

                // (b) The file run by ONNX Runtime on the selection samples gives the layer's model error the analysis reports
                // (weight swap, the part after the layer) and the whole-model weight swap's.
                var measured = report.Layers[0].Settings.Single(m => m.Setting == label);
                var file = candidates.MeasureFileOnSelection(compressed.Model, path);
                Assert.True(file.Error > 1e-3, $"{label}: error {file.Error}");
                Assert.Equal(file.Error, measured.ModelError, 1e-6);
                Assert.Equal(file.Error, candidates.Measure(choice).Error, 1e-6);

                // (c) The setting's bytes are what it adds to the written file, less protobuf's framing (a tag and a length per element).
                var written = Path.Combine(folder, $"{label}.onnx");
                OnnxWriter.Write(written, compressed.Model);
                var added = new FileInfo(written).Length - new FileInfo(path).Length;
                var counted = candidates.Bytes[0][s] - candidates.Bytes[0][0];
                // The decoder's elements (the float initializer's place taken), each framed by 2–3 bytes; the float one's 3 bytes gone.
                var elements = compressed.Model.Graph.Initializer.Count + compressed.Model.Graph.Node.Count - 3 - 2 + 1;
                Assert.InRange(added - counted, 2 * elements - 3, 3 * elements - 3);
                // Smaller than float32 (a tiny layer: codes, a scale and zero per row and part, 72 column places, the decoder's nodes).
                Assert.InRange(candidates.Bytes[0][s], 1, candidates.Bytes[0][0] - 1);
                Assert.Equal(measured.Bytes, candidates.Bytes[0][s]);
            }

            // (d) The depthwise Conv is not given them: float32 under both (as a kernel setting is on a Conv), g4 as usual.
            Assert.NotNull(candidates.Encodings[1][g4]);
            Assert.Null(candidates.Encodings[1][split]);
            Assert.Null(candidates.Encodings[1][drop]);
            foreach (var label in new[] { "g3+50", "g4z10" })
            {
                var m = report.Layers[1].Settings.Single(x => x.Setting == label);
                Assert.Equal((report.Layers[1].FloatBytes, 0.0), (m.Bytes, m.ModelError));
            }
        }
    }
}
