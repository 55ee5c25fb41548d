using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// Rewrites the short names of a generated file (nn, Tensor, Modules, cat, ...) fully qualified, for the names that
    /// something of the user's binds inside the class (a stage named nn, a class named Tensor, a type of the namespace).
    /// Only references are rewritten, where the name leads a member access or a qualified name, is called, or stands as a
    /// type: the user's own member of that name (a stage field nn, assigned in the constructor) keeps its name. Runs only
    /// for such declarations, so the common case reads as written.
    /// </summary>
    public static class Qualifier
    {
        private static readonly Dictionary<string, string> s_qualified = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nn"] = "global::TorchSharp.torch.nn",
            ["Tensor"] = "global::TorchSharp.torch.Tensor",
            ["Modules"] = "global::TorchSharp.Modules",
            ["cat"] = "global::TorchSharp.torch.cat",
            ["NewDisposeScope"] = "global::TorchSharp.torch.NewDisposeScope",
            ["register_module"] = "base.register_module",
            ["OctaveTensor"] = "global::NetDsl.Octave.OctaveTensor",
            ["OctaveSequential"] = "global::NetDsl.Octave.OctaveSequential",
            ["OctaveConv2d"] = "global::NetDsl.Octave.OctaveConv2d",
            ["OctaveConvBn"] = "global::NetDsl.Octave.OctaveConvBn",
            ["OctaveConvBnAct"] = "global::NetDsl.Octave.OctaveConvBnAct",
            ["OctaveBatchNorm2d"] = "global::NetDsl.Octave.OctaveBatchNorm2d",
            ["PerFrequency"] = "global::NetDsl.Octave.PerFrequency",
        };

        /// <summary>The qualified form of each name the rewriter knows (the parser's list of imported names is the same).</summary>
        public static IReadOnlyCollection<string> Known => s_qualified.Keys;

        public static string Rewrite(string source, IEnumerable<string> shadowed)
        {
            var names = new HashSet<string>(shadowed.Where(s_qualified.ContainsKey), StringComparer.Ordinal);
            if (names.Count == 0) return source;
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
            var root = new Rewriter(names).Visit(tree.GetRoot());
            return root.ToFullString();
        }

        private sealed class Rewriter : CSharpSyntaxRewriter
        {
            private readonly HashSet<string> _names;

            public Rewriter(HashSet<string> names) => _names = names;

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
            {
                if (!_names.Contains(node.Identifier.ValueText) || node.Identifier.Text.StartsWith("@", StringComparison.Ordinal) || !IsReference(node))
                    return base.VisitIdentifierName(node);
                // A name (global::TorchSharp.torch.nn) fits every position, types included; base.register_module is an expression.
                string text = s_qualified[node.Identifier.ValueText];
                ExpressionSyntax qualified = text.StartsWith("base.", StringComparison.Ordinal) ? SyntaxFactory.ParseExpression(text) : SyntaxFactory.ParseName(text);
                return qualified.WithTriviaFrom(node);
            }

            private static bool IsReference(IdentifierNameSyntax node) => node.Parent switch
            {
                MemberAccessExpressionSyntax access => access.Expression == node,
                QualifiedNameSyntax qualified => qualified.Left == node,
                InvocationExpressionSyntax invocation => invocation.Expression == node,
                _ => SyntaxFacts.IsInTypeOnlyContext(node),
            };
        }
    }
}
