namespace Condense.Calibration;

/// <summary>Where the channel axis sits in an image input: PyTorch/ONNX exports use NCHW, TensorFlow ones NHWC.</summary>
public enum TensorLayout
{
    /// <summary>Batch, channels, height, width: PyTorch's layout and most ONNX models'.</summary>
    Nchw,
    /// <summary>Batch, height, width, channels: TensorFlow's layout, common in converted Keras models.</summary>
    Nhwc,
}
