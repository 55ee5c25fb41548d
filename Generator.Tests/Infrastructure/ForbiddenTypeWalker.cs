using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Walks a pipeline value's object graph and fails if it reaches a Compilation, ISymbol, SyntaxNode,
/// SyntaxTree or SemanticModel: those would defeat caching and keep compilations alive in the IDE.
/// </summary>
public static class ForbiddenTypeWalker
{
    private static readonly Type[] s_forbidden =
    {
        typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location),
    };

    public static void AssertNoRoslynTypes(object? value, string step)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(value, step, "", seen, 0);
    }

    private static void Walk(object? node, string step, string path, HashSet<object> seen, int depth)
    {
        if (node is null || depth > 64) return;
        var type = node.GetType();
        if (type.IsPrimitive || node is string || type.IsEnum || node is decimal) return;
        foreach (var forbidden in s_forbidden)
            Assert.False(forbidden.IsInstanceOfType(node), $"step {step} holds a {forbidden.Name} at '{path}' ({type.FullName})");
        if (!type.IsValueType && !seen.Add(node)) return;

        if (node is IEnumerable enumerable)
        {
            int i = 0;
            foreach (var item in enumerable)
                Walk(item, step, $"{path}[{i++}]", seen, depth + 1);
            if (!type.IsValueType || type.Name.StartsWith("ImmutableArray", StringComparison.Ordinal)) return;
        }
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType.IsPointer) continue;
            Walk(field.GetValue(node), step, path + "." + field.Name, seen, depth + 1);
        }
    }
}
