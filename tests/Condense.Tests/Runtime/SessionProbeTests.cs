using Condense.Formats.Onnx;
using Condense.Runtime;
using Condense.Tests.Graph;
using Google.Protobuf;

namespace Condense.Tests.Runtime;

public sealed class SessionProbeTests
{
    [Fact]
    public void A_model_is_measured_at_the_asked_threads_and_batch_and_its_session_holds_its_weights()
    {
        var (model, _, _) = TinyModels.MatMulAdd(1024, 1024, seed: 1); // 4 MiB of weights
        var path = Path.Combine(Path.GetTempPath(), $"condense-probe-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, model.ToByteArray());
            var x = OnnxTensorData.FromFloat32("X", new float[3 * 1024], [3, 1024]);
            var m = SessionProbe.Measure(path, [x], threads: 2, runs: 5);
            Assert.Equal(2, m.Threads);
            Assert.Equal(3, m.Batch);
            Assert.True(m.MedianMs > 0);
            Assert.InRange(m.Runs, 5, 5);
            if (OperatingSystem.IsLinux()) Assert.True(m.SessionBytes > 2_000_000, $"session bytes {m.SessionBytes}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
