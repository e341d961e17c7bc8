using Condense.Distillation;

namespace Condense.Workflows.Distill;

/// <summary>What <c>condense distill --data-free</c> reports and <c>condense bench all</c> judges. Serialized snake_case.</summary>
/// <param name="Data">The data set the students were scored on (and the with-data ones trained on).</param>
/// <param name="Student">The student's spec.</param>
/// <param name="StudentParameters">Its parameters.</param>
/// <param name="TeacherAccuracy">The teacher's test accuracy.</param>
/// <param name="DataFree">The student distilled without a training image.</param>
/// <param name="DistilledWithData">Test accuracy of the same student distilled with the data (first seed).</param>
/// <param name="TrainedAlone">Test accuracy of the same student trained on the labels alone (first seed).</param>
/// <param name="Epochs">Epochs of the with-data and alone students.</param>
/// <param name="TrainingImages">Training images each of those epochs saw (the data-free student saw none).</param>
public sealed record DataFreeDistillationReport(string Data, string Student, long StudentParameters, double TeacherAccuracy, DataFreeStudentReport DataFree,
    double DistilledWithData, double TrainedAlone, int Epochs, int TrainingImages);

/// <summary>The data-free student of a <see cref="DataFreeDistillationReport"/>.</summary>
/// <param name="Accuracy">Its test accuracy after the last step.</param>
/// <param name="Recipe">adversarial or dafl.</param>
/// <param name="Steps">Generator steps.</param>
/// <param name="Batch">Generated images per step.</param>
/// <param name="StudentSteps">Student updates per generator step.</param>
/// <param name="Seconds">Wall seconds of the data-free training.</param>
/// <param name="Curve">A checkpoint every tenth of the steps.</param>
/// <param name="Output">The file written, if any.</param>
public sealed record DataFreeStudentReport(double Accuracy, string Recipe, int Steps, int Batch, int StudentSteps, double Seconds,
    IReadOnlyList<DataFreeCheckpoint> Curve, string? Output);
