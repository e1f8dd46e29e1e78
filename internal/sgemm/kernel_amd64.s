//go:build amd64 && !purego

#include "textflag.h"

// func sgemm4x32(k int, a *float32, ars int, aks int, b *float32, ldb int, c *float32, ldc int, acc int)
//
// C[0:4, 0:32] = A·B[0:k, 0:32] (+ C when acc != 0) where row i, column p of the 4 x k matrix
// A is a[i·ars + p·aks] (ars = lda, aks = 1 for A itself; ars = 1, aks = lda for the transpose
// of a stored k x 4 block), B and C row-major with leading dimensions ldb, ldc; all strides in
// elements. Eight zmm accumulators (4 rows x 2 x 16 columns); per step of k, two loads of B's
// row, four broadcasts of A's column and eight FMAs.
TEXT ·sgemm4x32(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	MOVQ aks+24(FP), BX
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	MOVQ acc+64(FP), R11
	SHLQ $2, R8
	SHLQ $2, BX
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	LEAQ (R13)(R8*1), R14
	TESTQ R11, R11
	JZ    zero
	MOVQ  DX, AX
	VMOVUPS (AX), Z0
	VMOVUPS 64(AX), Z1
	ADDQ  R10, AX
	VMOVUPS (AX), Z2
	VMOVUPS 64(AX), Z3
	ADDQ  R10, AX
	VMOVUPS (AX), Z4
	VMOVUPS 64(AX), Z5
	ADDQ  R10, AX
	VMOVUPS (AX), Z6
	VMOVUPS 64(AX), Z7
	JMP   check

zero:
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7

check:
	TESTQ CX, CX
	JZ    done

loop:
	VMOVUPS      (DI), Z8
	VMOVUPS      64(DI), Z9
	VBROADCASTSS (SI), Z10
	VBROADCASTSS (R12), Z11
	VBROADCASTSS (R13), Z12
	VBROADCASTSS (R14), Z13
	VFMADD231PS  Z8, Z10, Z0
	VFMADD231PS  Z9, Z10, Z1
	VFMADD231PS  Z8, Z11, Z2
	VFMADD231PS  Z9, Z11, Z3
	VFMADD231PS  Z8, Z12, Z4
	VFMADD231PS  Z9, Z12, Z5
	VFMADD231PS  Z8, Z13, Z6
	VFMADD231PS  Z9, Z13, Z7
	ADDQ         BX, SI
	ADDQ         BX, R12
	ADDQ         BX, R13
	ADDQ         BX, R14
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop

done:
	MOVQ    DX, AX
	VMOVUPS Z0, (AX)
	VMOVUPS Z1, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z2, (AX)
	VMOVUPS Z3, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z4, (AX)
	VMOVUPS Z5, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z6, (AX)
	VMOVUPS Z7, 64(AX)
	VZEROUPPER
	RET

// func sgemm4x32avx2(k int, a *float32, ars int, aks int, b *float32, ldb int, c *float32, ldc int, acc int)
//
// The same block as sgemm4x32 with AVX2 and FMA (16 ymm registers): two passes of two rows,
// each with eight ymm accumulators (2 rows x 4 x 8 columns), four loads of B's row and two
// broadcasts per step of k.
TEXT ·sgemm4x32avx2(SB), NOSPLIT, $0-72
	MOVQ ars+16(FP), R8
	MOVQ aks+24(FP), BX
	MOVQ ldb+40(FP), R9
	MOVQ ldc+56(FP), R10
	MOVQ acc+64(FP), R11
	SHLQ $2, R8
	SHLQ $2, BX
	SHLQ $2, R9
	SHLQ $2, R10
	MOVQ a+8(FP), SI
	MOVQ c+48(FP), DX
	MOVQ $2, R14

half:
	MOVQ k+0(FP), CX
	MOVQ b+32(FP), DI
	LEAQ (SI)(R8*1), R12
	TESTQ R11, R11
	JZ    zero2
	MOVQ  DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVUPS 64(AX), Y2
	VMOVUPS 96(AX), Y3
	ADDQ  R10, AX
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	VMOVUPS 64(AX), Y6
	VMOVUPS 96(AX), Y7
	JMP   check2

zero2:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

check2:
	MOVQ  SI, R13
	TESTQ CX, CX
	JZ    done2

loop2:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VMOVUPS      64(DI), Y10
	VMOVUPS      96(DI), Y11
	VBROADCASTSS (R13), Y12
	VBROADCASTSS (R12), Y13
	VFMADD231PS  Y8, Y12, Y0
	VFMADD231PS  Y9, Y12, Y1
	VFMADD231PS  Y10, Y12, Y2
	VFMADD231PS  Y11, Y12, Y3
	VFMADD231PS  Y8, Y13, Y4
	VFMADD231PS  Y9, Y13, Y5
	VFMADD231PS  Y10, Y13, Y6
	VFMADD231PS  Y11, Y13, Y7
	ADDQ         BX, R13
	ADDQ         BX, R12
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop2

done2:
	MOVQ    DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VMOVUPS Y2, 64(AX)
	VMOVUPS Y3, 96(AX)
	ADDQ    R10, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	VMOVUPS Y6, 64(AX)
	VMOVUPS Y7, 96(AX)
	// next two rows of A and C
	LEAQ (SI)(R8*2), SI
	LEAQ (DX)(R10*2), DX
	DECQ R14
	JNZ  half
	VZEROUPPER
	RET
