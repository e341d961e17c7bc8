namespace Condense.Calibration;

/// <summary>The order of colour channels a model expects (Caffe-era models often want BGR).</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue: what torchvision-trained and most ONNX-zoo models expect.</summary>
    Rgb,
    /// <summary>Blue, green, red: what OpenCV and Caffe-trained models expect; feeding RGB to them swaps two channels silently.</summary>
    Bgr,
}
