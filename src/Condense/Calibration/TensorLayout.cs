namespace Condense.Calibration;

/// <summary>Where the channel axis sits in an image input: PyTorch/ONNX exports use NCHW, TensorFlow ones NHWC.</summary>
public enum TensorLayout
{
    Nchw,
    Nhwc,
}
