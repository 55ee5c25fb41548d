using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>Activations: the ONNX operator where opset 17 has one; GELU (opset 20) and SiLU written as their formulas.</summary>
    internal static partial class OnnxModules
    {
        private static void RegisterActivations()
        {
            Register<ReLU>((g, m, x) => g.Relu(x));
            Register<ReLU6>((g, m, x) => g.Clip(x, 0, 6));
            Register<Hardtanh>((g, m, x) => g.Clip(x, m.min_val, m.max_val));
            Register<LeakyReLU>((g, m, x) => g.Node("LeakyRelu", new[] { x }, ("alpha", m.negative_slope)));
            Register<ELU>((g, m, x) => g.Node("Elu", new[] { x }, ("alpha", m.alpha)));
            Register<Sigmoid>((g, m, x) => g.Sigmoid(x));
            Register<Tanh>((g, m, x) => g.Node("Tanh", new[] { x }));
            Register<SiLU>((g, m, x) => g.Mul(x, g.Sigmoid(x)));
            Register<Hardswish>((g, m, x) => g.Node("HardSwish", new[] { x }));
            // PyTorch's hardsigmoid: relu6(x + 3) / 6 (ONNX's default alpha is 0.2).
            Register<Hardsigmoid>((g, m, x) => g.Node("HardSigmoid", new[] { x }, ("alpha", 1.0 / 6), ("beta", 0.5)));
            Register<Softmax>((g, m, x) => g.Node("Softmax", new[] { x }, ("axis", m.dim)));
            Register<GELU>((g, m, x) => Gelu(g, x, m.approximate == GELU.Approximate.tanh));
        }

        /// <summary>GELU: 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
        internal static OnnxValue Gelu(OnnxGraph g, OnnxValue x, bool tanh)
        {
            OnnxValue inner;
            if (tanh)
            {
                var cube = g.Mul(x, x, x);
                var arg = g.Mul(g.Add(x, g.Mul(cube, g.Scalar(0.044715))), g.Scalar(Math.Sqrt(2 / Math.PI)));
                inner = g.Node("Tanh", new[] { arg });
            }
            else
            {
                inner = g.Node("Erf", new[] { g.Div(x, g.Scalar(Math.Sqrt(2))) });
            }
            return g.Mul(g.Mul(x, g.Add(inner, g.Scalar(1))), g.Scalar(0.5));
        }
    }
}
